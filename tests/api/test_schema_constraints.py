"""What the server enforces, the schema states (issue 25): the ISO codes (read in any case, an
exact pattern in, an enumeration out), a customer's domain (one pattern, the schema's and the
server's), a close date's window, the list filters of the applications and invitations."""

from __future__ import annotations

import itertools
import re
import string
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.iso import COUNTRY_CODES, CURRENCY_CODES
from apps.core.serializers import WEB_ADDRESS, any_case_pattern
from apps.deals.normalize import InvalidDomain, _host, _public_suffixes, normalize_domain
from tests.deals import conftest as deals

# The deal tests' fixtures: Acme active (it may register deals), a registration's valid input.
acme = deals.acme
valid_input = deals.valid_input
REGISTRATIONS = "/api/v1/deal-registrations/"
LETTERS = string.ascii_letters


def _schema_of(document: dict, component: str, field: str) -> dict:
    return document["components"]["schemas"][component]["properties"][field]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


# --- ISO codes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("codes", "length"), [(COUNTRY_CODES, 2), (CURRENCY_CODES, 3)])
def test_the_any_case_pattern_matches_exactly_the_codes_in_any_case(codes, length):
    """Every string of `length` ASCII letters (2,704 and 140,608 of them): matched exactly when
    its upper case is a code; and nothing of another length."""
    pattern = re.compile(any_case_pattern(codes))
    for letters in itertools.product(LETTERS, repeat=length):
        text = "".join(letters)
        assert bool(pattern.search(text)) == (text.upper() in codes), text
    for other in ("", "d", "DEU" if length == 2 else "EU", "EURO", " DE", "DE ", "D-", "12"):
        assert not pattern.search(other), other


SERIALIZERS = [
    # (request component, response component, field, codes' component)
    ("DealRegistrationRequest", "DealRegistration", "customer_country", "CountryCode"),
    ("DealRegistrationRequest", "DealRegistration", "currency", "CurrencyCode"),
    ("ExchangeRateRequest", None, "currency", "CurrencyCode"),
    ("PatchedProgramSettingsRequest", None, "base_currency", "CurrencyCode"),
    ("ApplyInputRequest", None, "country", "CountryCode"),
]


@pytest.mark.parametrize(
    ("response_name", "field"), [("ExchangeRate", "currency"), ("ProgramSettings", "base_currency")]
)
def test_codes_the_staff_pages_store_are_answered_by_their_shape(openapi, response_name, field):
    """The rates and settings pages store any three capitals: the answer says so, not the list."""
    assert _schema_of(openapi, response_name, field) == _ref("CurrencyCodeStored")
    assert openapi["components"]["schemas"]["CurrencyCodeStored"]["pattern"] == "^[A-Z]{3}$"


@pytest.mark.parametrize(("request_name", "response_name", "field", "codes"), SERIALIZERS)
def test_the_schema_gives_the_codes_pattern_in_and_their_enumeration_out(
    openapi, request_name, response_name, field, codes
):
    components = openapi["components"]["schemas"]
    expected = {"CountryCode": COUNTRY_CODES, "CurrencyCode": CURRENCY_CODES}[codes]
    assert _schema_of(openapi, request_name, field) == _ref(f"{codes}Input")
    assert components[f"{codes}Input"]["pattern"] == any_case_pattern(expected)
    assert "any case" in components[f"{codes}Input"]["description"]
    if response_name:
        assert _schema_of(openapi, response_name, field) == _ref(codes)
        assert components[codes]["enum"] == sorted(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "currency", "answer"),
    [("de", "eur", 201), ("De", "eUr", 201), ("DE", "EUR", 201), ("xx", "EUR", 400),
     ("DE", "xau", 400), ("DEU", "EUR", 400), (" DE", "EUR", 400), ("DE", "EU", 400)],
)  # fmt: skip
def test_a_registration_reads_its_codes_in_any_case_and_answers_them_upper_case(
    api_for, charlie, valid_input, country, currency, answer
):
    data = {**valid_input, "customer_country": country, "currency": currency}
    r = api_for(charlie).post(REGISTRATIONS, data, format="json")
    assert r.status_code == answer, r.content
    if answer == 201:
        assert (r.json()["customer_country"], r.json()["currency"]) == ("DE", "EUR")
    else:
        assert set(r.json()) <= {"customer_country", "currency"}


@pytest.mark.django_db
def test_rates_and_the_base_currency_read_codes_in_any_case(api_for, alice):
    r = api_for(alice).post(
        "/api/v1/exchange-rates/",
        {"currency": "eur", "rate_to_base": "1.25", "effective_date": "2024-01-01"},
        format="json",
    )
    assert (r.status_code, r.json()["currency"]) == (201, "EUR"), r.content
    r = api_for(alice).patch("/api/v1/program/", {"base_currency": "eur"}, format="json")
    assert (r.status_code, r.json()["base_currency"]) == (200, "EUR"), r.content
    r = api_for(alice).patch("/api/v1/program/", {"base_currency": "XTS"}, format="json")
    assert r.status_code == 400 and "base_currency" in r.json()


# --- a customer's domain -------------------------------------------------------------------------
def test_the_schema_states_the_servers_domain_pattern(openapi):
    field = _schema_of(openapi, "DealRegistrationRequest", "customer_domain")
    assert field["pattern"] == WEB_ADDRESS.removesuffix("\\Z") + "$"
    assert field["maxLength"] == 2000
    assert "public suffix" in field["description"]


def _only_a_public_suffix(text: str) -> bool:
    return not _public_suffixes().extract_str(_host(text)).domain


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(WEB_ADDRESS, fullmatch=True))
def test_every_address_the_pattern_allows_names_a_domain_or_a_public_suffix(text):
    """The pattern promises no more than the server gives: what it allows normalizes to a
    registrable domain, unless its host is a public suffix (the description says so)."""
    assert re.fullmatch(WEB_ADDRESS.removesuffix("\\Z"), text)
    try:
        normalize_domain(text)
    except InvalidDomain:
        assert _only_a_public_suffix(text), text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("domain", "answer"),
    [("https://WWW.Initech.com:8443/about?x=1#top", 201), ("nora@mail.initech.com", 201),
     ("initech.com.", 201), ("xn--bcher-kva.de", 201), ("//initech.com", 201),
     # What the pattern forbids the server refuses, though the domain could be read from it.
     (" initech.com", 400), ("Bücher.de", 400), ("initech.com/ü", 400), ("initech.com:99999", 400),
     # Allowed by the pattern: a public suffix alone, refused with the reason.
     ("co.uk", 400)],
)  # fmt: skip
def test_a_registrations_domain_is_refused_exactly_when_the_schema_says(
    api_for, charlie, valid_input, domain, answer
):
    r = api_for(charlie).post(
        REGISTRATIONS, {**valid_input, "customer_domain": domain}, format="json"
    )
    assert r.status_code == answer, r.content
    if answer == 400:
        assert list(r.json()) == ["customer_domain"]
    # Accepted: the pattern allows it; refused: the pattern forbids it, or it names no customer.
    pattern_allows = bool(re.fullmatch(WEB_ADDRESS.removesuffix("\\Z"), domain))
    assert (
        pattern_allows if answer == 201 else (not pattern_allows or _only_a_public_suffix(domain))
    )


# --- a close date's window -----------------------------------------------------------------------
def test_the_close_dates_window_is_stated(openapi):
    for component in ("DealRegistrationRequest", "DealRegistration"):
        field = _schema_of(openapi, component, "expected_close_date")
        assert field["format"] == "date"
        assert "today or later" in field["description"]
        assert "tenth calendar year" in field["description"]


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "answer"), [(-1, 400), (0, 201), (365 * 9, 201)])
def test_the_close_date_window_is_what_the_server_takes(
    api_for, charlie, valid_input, days, answer
):
    when = (timezone.localdate() + timedelta(days=days)).isoformat()
    data = {**valid_input, "expected_close_date": when}
    r = api_for(charlie).post(REGISTRATIONS, data, format="json")
    assert r.status_code == answer, r.content
    if answer == 400:
        assert r.json() == {
            "expected_close_date": ["The expected close date cannot be in the past."]
        }


# --- list filters, documented and refusing what they do not know ------------------------------
@pytest.mark.django_db
def test_the_applications_status_filter_is_documented_and_refuses_unknown_values(
    api_for, bob, openapi
):
    parameters = openapi["paths"]["/api/v1/applications/"]["get"]["parameters"]
    status = next(p for p in parameters if p["name"] == "status")
    assert status["schema"]["enum"] == ["accepted", "declined", "received"]
    api_for(None).post(
        "/api/v1/applications/",
        {
            "company": "Initech Partners",
            "website": "initech.co.uk",
            "country": "gb",
            "partner_type": "reseller",
            "contact_name": "Peter Gibbons",
            "contact_email": "peter@initech.co.uk",
        },
        format="json",
    )
    client = api_for(bob)
    assert client.get("/api/v1/applications/?status=received").json()["count"] == 1
    assert client.get("/api/v1/applications/?status=declined").json()["count"] == 0
    assert client.get("/api/v1/applications/").json()["count"] == 1
    r = client.get("/api/v1/applications/?status=bogus")
    assert r.status_code == 400 and list(r.json()) == ["status"]


@pytest.mark.django_db
def test_the_invitations_partner_filter_is_on_the_list_only_and_refuses_non_ids(
    api_for, bob, acme, globex, openapi
):
    names = {p["name"] for p in openapi["paths"]["/api/v1/invitations/"]["get"]["parameters"]}
    assert "partner" in names
    detail = openapi["paths"]["/api/v1/invitations/{id}/"]["get"]["parameters"]
    assert "partner" not in {p["name"] for p in detail}
    client = api_for(bob)
    for partner, email in ((acme, "ann@acme.example"), (globex, "gus@globex.example")):
        r = client.post(
            "/api/v1/invitations/",
            {"partner": partner.pk, "email": email, "partner_role": "member"},
            format="json",
        )
        assert r.status_code == 201, r.content
    found = client.get(f"/api/v1/invitations/?partner={acme.pk}").json()
    assert [i["email"] for i in found["results"]] == ["ann@acme.example"]
    assert client.get("/api/v1/invitations/").json()["count"] == 2
    r = client.get("/api/v1/invitations/?partner=acme")
    assert r.status_code == 400 and list(r.json()) == ["partner"]
    one = found["results"][0]["id"]
    assert client.get(f"/api/v1/invitations/{one}/?partner=acme").status_code == 200


# --- JSON types ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("active", 0, "Send true or false here."),
        ("active", "true", "Send true or false here."),
        ("name", 0, "Send text here (a JSON string)."),
        ("priority", "1", "Send a whole number here (a JSON integer)."),
        ("priority", 1.0, "Send a whole number here (a JSON integer)."),
        ("countries", ["DE", 0], None),  # an item of a list: refused in the list's answer
        # DRF read an object as the list of its keys (the all-phase run found {} taken).
        ("partner_types", {}, "Send a list here (a JSON array)."),
        ("countries", {"DE": 1}, None),  # DRF's ListField refuses it itself
        ("name", "Nordics\x9b", "Remove the control characters from this text."),
    ],
)
def test_a_json_value_of_another_type_than_the_schemas_is_refused(
    api_for, alice, field, value, message
):
    """What Schemathesis' `negative_data_rejection` found DRF reading (apps/core/json_types.py):
    0 for a boolean or a text, "1" for a whole number. Refused next to the field; nothing
    stored."""
    from apps.leads.models import RoutingRule

    rule = {"name": "DACH", "priority": 1, "countries": ["DE"], "active": True}
    refused = api_for(alice).post(
        "/api/v1/lead-routing-rules/", {**rule, field: value}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()) == {field}, refused.json()
    if message:
        assert refused.json()[field] == [message]
    assert not RoutingRule.objects.exists()
    assert (
        api_for(alice).post("/api/v1/lead-routing-rules/", rule, format="json").status_code == 201
    )


def test_an_amount_is_text_in_json_and_a_related_id_a_number(api_for, alice, bob, acme):
    from apps.funds.models import FundPeriod

    api = api_for(alice)
    period = {"name": "2027-H1", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}
    number = api.post("/api/v1/fund-periods/", {**period, "budget": 1000}, format="json")
    assert number.status_code == 400, number.json()
    assert number.json()["budget"] == ['Send the amount as text, for example "1200.00".']
    assert not FundPeriod.objects.exists()
    text = api.post("/api/v1/fund-periods/", {**period, "budget": "1000"}, format="json")
    assert text.status_code == 201 and text.json()["budget"] == "1000.00", text.json()
    # A partner's id as text, where the schema says integer.
    allocation = {
        "period": text.json()["id"],
        "partner": str(acme.pk),
        "amount": "100",
        "currency": text.json()["currency"],
        "claim_deadline": "2027-07-31",
    }
    as_text = api.post("/api/v1/fund-allocations/", allocation, format="json")
    assert as_text.status_code == 400 and set(as_text.json()) == {"partner"}, as_text.json()
    assert as_text.json()["partner"] == ["Send a whole number here (a JSON integer)."]
    as_number = api.post(
        "/api/v1/fund-allocations/", {**allocation, "partner": acme.pk}, format="json"
    )
    assert as_number.status_code == 201, as_number.json()


def test_a_form_body_still_sends_its_values_as_text(api_for, alice):
    """The browsable API's forms (undocumented) send every value as text: read as before."""
    api = api_for(alice)
    rule = {"name": "Nordics", "priority": "2", "countries": ["SE"], "active": "true"}
    answer = api.post("/api/v1/lead-routing-rules/", rule, format="multipart")
    assert answer.status_code == 201 and answer.json()["active"] is True, answer.json()
    period = {"name": "2027-H2", "starts_on": "2027-07-01", "ends_on": "2027-12-31"}
    answer = api.post("/api/v1/fund-periods/", {**period, "budget": "500.5"}, format="multipart")
    assert answer.status_code == 201 and answer.json()["budget"] == "500.50", answer.json()


def test_an_empty_filter_value_is_refused_unless_the_filter_is_text(api_for, alice):
    """`expiring_before=` is no date (Schemathesis' all-phase run found it answered 200 with the
    whole list): 400 naming the parameter. A text search may be empty: it matches everything."""
    api = api_for(alice)
    for query in ("expiring_before=", "status=", "expiring_before=%20"):
        answer = api.get(f"/api/v1/certifications/?{query}")
        assert answer.status_code == 400, (query, answer.content)
        assert set(answer.json()) == {query.split("=")[0]}, answer.json()
    assert api.get("/api/v1/certifications/?expiring_before=2030-01-01").status_code == 200
    assert api.get("/api/v1/partners/?search=").status_code == 200


def test_a_text_longer_than_its_limit_as_sent_is_refused(api_for, alice):
    """The schema's maxLength counts the text as sent; DRF counted it trimmed, so a name of
    forty whitespace characters around "00" passed a shorter limit (the all-phase run found it)."""
    period = {"starts_on": "2027-01-01", "ends_on": "2027-06-30", "budget": "10"}
    long = "\x85" * 100 + "00" + "\x85" * 100
    refused = api_for(alice).post("/api/v1/fund-periods/", {**period, "name": long}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"name"}, refused.json()


def test_the_earnings_currency_filter_lists_the_codes_and_refuses_blank(api_for, alice):
    import yaml

    document = yaml.safe_load(api_for(alice).get("/api/v1/schema/").content)
    params = document["paths"]["/api/v1/earnings/"]["get"]["parameters"]
    currency = next(p for p in params if p["name"] == "currency")["schema"]
    assert "EUR" in currency["enum"] and "" not in currency["enum"]
    assert api_for(alice).get("/api/v1/earnings/?currency=EUR").status_code == 200
    assert api_for(alice).get("/api/v1/earnings/?currency=").status_code == 400
    assert api_for(alice).get("/api/v1/earnings/?currency=XYZ").status_code == 400


def test_a_blank_allowed_text_of_only_spaces_longer_than_its_limit_is_refused(api_for, bob):
    """DRF reads a text of only spaces as "" before any length check, so a blank-allowed field
    took 4,001 spaces under its 4,000-character limit: the schema's maxLength holds as sent."""
    from apps.leads.models import Lead

    lead = {"company": "Initech", "country": "DE", "contact_name": "Peter",
            "contact_email": "peter@initech.com"}  # fmt: skip
    api = api_for(bob)
    refused = api.post("/api/v1/leads/", {**lead, "description": " " * 4001}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"description"}, refused.json()
    assert not Lead.objects.exists()
    taken = api.post("/api/v1/leads/", {**lead, "description": " " * 4000}, format="json")
    assert taken.status_code == 201 and taken.json()["description"] == "", taken.json()


def test_a_one_line_text_refuses_control_characters_as_its_schema_says(api_for, alice):
    """Every OneLineCharField refuses on the server what its schema pattern refuses: a fund
    period's name ending in U+009B (a C1 control) was stored (the all-phase run found it)."""
    from apps.funds.models import FundPeriod

    period = {"starts_on": "2027-01-01", "ends_on": "2027-06-30", "budget": "10"}
    api = api_for(alice)
    for name in ("×ø\x9b", "Q1\u202e", "Q1\x00"):
        refused = api.post("/api/v1/fund-periods/", {**period, "name": name}, format="json")
        assert refused.status_code == 400 and set(refused.json()) == {"name"}, refused.json()
    assert not FundPeriod.objects.exists()
    taken = api.post("/api/v1/fund-periods/", {**period, "name": "Ü-2027"}, format="json")
    assert taken.status_code == 201, taken.json()
