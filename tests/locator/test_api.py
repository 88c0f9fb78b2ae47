"""GET /api/v1/locator/partners/ and POST /api/v1/locator/contact/, both anonymous."""

from __future__ import annotations

import pytest

from apps.leads.models import Lead
from tests.factories import TierFactory

from .factories import ListingFactory, png_upload

pytestmark = pytest.mark.django_db
LIST = "/api/v1/locator/partners/"
CONTACT = "/api/v1/locator/contact/"
PUBLIC_FIELDS = {"id", "name", "description", "logo", "countries", "specializations", "tier"}


def _contact(**overrides) -> dict:
    return {
        "contact_name": "Jana Weber",
        "company": "Acme Logistics GmbH",
        "contact_email": "jana.weber@acme-logistics.de",
        "country": "DE",
        "need": "Fleet analytics.",
        **overrides,
    }


def test_anyone_lists_the_listed_partners_with_public_fields_only(api_for, client_for, bob):
    gold = TierFactory(name="Gold", rank=3)
    shown = ListingFactory(public_name="Alpha", partner__tier=gold, logo=png_upload(),
                           partner__countries=["DE"], partner__specializations=["Retail"])  # fmt: skip
    ListingFactory(public_name="Hidden", partner__listed_in_locator=False)
    response = api_for().get(LIST)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert set(row) == PUBLIC_FIELDS
    assert row == {
        "id": shown.pk,
        "name": "Alpha",
        "description": shown.description,
        "logo": f"/partners/find/{shown.pk}/logo/",
        "countries": ["DE"],
        "specializations": ["Retail"],
        "tier": "Gold",
    }
    # Staff get the same public fields: this list is the public's.
    assert set(api_for(bob).get(LIST).json()["results"][0]) == PUBLIC_FIELDS


def test_the_list_filters_like_the_page_and_refuses_unknown_values(api_for):
    ListingFactory(public_name="Alpha", partner__countries=["FR"])
    ListingFactory(public_name="Beta", partner__countries=["DE"])
    names = [r["name"] for r in api_for().get(LIST, {"country": "FR"}).json()["results"]]
    assert names == ["Alpha"]
    assert [r["name"] for r in api_for().get(LIST, {"q": "bet"}).json()["results"]] == ["Beta"]
    bad = api_for().get(LIST, {"country": "XX"})
    assert bad.status_code == 400 and "country" in bad.json()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_reads_a_fixed_number_of_queries(rows, api_for, django_assert_num_queries):
    for n in range(rows):
        ListingFactory(partner__tier=TierFactory(name=f"T{n % 3}", rank=n % 3 + 20))
    # 1 the count, 2 a page of listings joined with their partner and tier.
    with django_assert_num_queries(2):
        response = api_for().get(LIST)
    assert response.json()["count"] == rows


def test_a_contact_request_becomes_a_lead_for_the_partner_named(api_for):
    listing = ListingFactory()
    response = api_for().post(CONTACT, {**_contact(), "partner": listing.pk}, format="json")
    assert response.status_code == 202 and response.json() == {"status": "received"}
    lead = Lead.objects.get()
    assert lead.partner == listing.partner and lead.source == "locator" and lead.country == "DE"


def test_the_contact_answer_is_the_same_whatever_happens(api_for, rates):
    listing = ListingFactory()
    hidden = ListingFactory(partner__listed_in_locator=False)
    answers = [
        api_for().post(CONTACT, {**_contact(), "partner": listing.pk}, format="json"),
        api_for().post(CONTACT, {**_contact(), "partner": hidden.pk}, format="json"),
        api_for().post(CONTACT, {**_contact(), "partner": 10**15}, format="json"),
        api_for().post(CONTACT, _contact(), format="json"),
    ]
    rates(public_form="0/hour")
    answers.append(api_for().post(CONTACT, _contact(), format="json"))
    assert {(a.status_code, a.content) for a in answers} == {(202, b'{"status":"received"}')}
    assert Lead.objects.count() == 4  # the throttled one kept nothing
    assert not Lead.objects.filter(partner=hidden.partner).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"contact_email": "nope"},
        {"country": "XX"},
        {"country": "DEU"},
        {"need": ""},
        {"company": "a\x00b"},
        {"partner": "abc"},
        {"partner": 0},
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_for, overrides):
    response = api_for().post(CONTACT, _contact(**overrides), format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {*overrides, "non_field_errors"}
    assert not Lead.objects.exists()


def test_only_post_and_get_are_answered(api_for):
    assert api_for().get(CONTACT).status_code == 405
    assert api_for().post(LIST, {}, format="json").status_code == 405
