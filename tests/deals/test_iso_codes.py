"""Countries and currencies come from pycountry (codes) and babel (names): same stored codes,
same validation, names in the active language, no list baked into the migrations."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from apps.core import iso
from apps.deals.models import DealRegistration
from tests.deals.factories import RegistrationFactory

URL = "/api/v1/deal-registrations/"


def test_the_code_lists_hold_countries_and_money_only():
    assert {"DE", "US", "AX", "TW"} <= iso.COUNTRY_CODES
    assert {"EUR", "USD", "JPY", "XCD", "XOF"} <= iso.CURRENCY_CODES
    assert not iso.CURRENCY_CODES & {"XAU", "XTS", "XXX", "XDR", "BOV", "USN"}
    assert "XX" not in iso.COUNTRY_CODES


def test_names_follow_the_active_language():
    assert dict(iso.country_choices())["DE"] == "Germany"
    assert dict(iso.currency_choices())["EUR"] == "Euro"
    with translation.override("de"):
        assert dict(iso.country_choices())["DE"] == "Deutschland"
        assert dict(iso.currency_choices())["USD"] == "US-Dollar"
        assert (
            DealRegistration(customer_country="AT").get_customer_country_display() == "Österreich"
        )
    # A stored code the list no longer has (HRK before the euro) is shown as it is.
    assert DealRegistration(currency="HRK").get_currency_display() == "HRK"


def test_the_migrations_refer_to_the_choices_instead_of_copying_them():
    for name in ("customer_country", "currency"):
        _, _, _, kwargs = DealRegistration._meta.get_field(name).deconstruct()
        assert kwargs["choices"] in (iso.country_choices, iso.currency_choices)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customer_country", "XX", "XX is not an ISO 3166-1 country code"),
        ("currency", "XAU", "XAU is not an ISO 4217 currency code"),
        ("currency", "xyz", "xyz is not an ISO 4217 currency code"),
    ],
)
def test_the_api_names_the_field_and_the_reason(
    api_for, charlie, acme, valid_input, field, value, message
):
    r = api_for(charlie).post(URL, {**valid_input, field: value}, format="json")
    assert r.status_code == 400, r.content
    assert message in r.json()[field][0]


@pytest.mark.django_db
def test_the_form_shows_the_reason_next_to_the_field(client_for, charlie, acme, valid_input):
    bad = {**valid_input, "customer_country": "XX", "currency": "XAU"}
    r = client_for(charlie).post(reverse("portal:deal_new"), bad)
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "XX is not an ISO 3166-1 country code" in errors["customer_country"][0]
    assert "XAU is not an ISO 4217 currency code" in errors["currency"][0]


@pytest.mark.django_db
def test_the_form_lists_names_with_codes(client_for, charlie, acme):
    html = client_for(charlie).get(reverse("portal:deal_new")).content.decode()
    assert '<option value="DE">Germany (DE)</option>' in html
    assert '<option value="EUR">Euro (EUR)</option>' in html
    assert 'value="XAU"' not in html


@pytest.mark.django_db
def test_a_registration_shows_the_country_name(client_for, charlie, acme):
    reg = RegistrationFactory(partner=acme, customer_country="DE")
    assert reg.get_customer_country_display() == "Germany"
    html = client_for(charlie).get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert "Germany" in html


@pytest.mark.django_db
def test_the_schema_gives_the_codes_a_pattern(api_for, bob):
    document = yaml.safe_load(api_for(bob).get("/api/v1/schema/").content)
    components = document["components"]["schemas"]
    fields = components["DealRegistrationRequest"]["properties"]
    currency = components[fields["currency"]["$ref"].rsplit("/", 1)[1]]["pattern"]
    country = components[fields["customer_country"]["$ref"].rsplit("/", 1)[1]]["pattern"]
    # Exactly the codes, in any case: what the server accepts (XAU is gold, not money).
    assert [c for c in ("EUR", "eur", "Usd", "XAU", "EURO", "EU") if re.fullmatch(currency, c)] == [
        "EUR", "eur", "Usd"
    ]  # fmt: skip
    assert [c for c in ("DE", "de", "XX", "DEU") if re.fullmatch(country, c)] == ["DE", "de"]


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("de", "Österreich", "Oman"),
        ("fr", "États-Unis", "Estonie"),
        ("de", "Ägypten", "Afghanistan"),
    ],
)
def test_country_names_are_in_the_order_a_reader_looks_them_up(language, before, after):
    """Accented names sit among their letter, not after "Z"."""
    with translation.override(language):
        names = [name for _code, name in iso.country_choices()]
    assert names.index(after) < names.index(before) < names.index(after) + 12, names[-5:]
