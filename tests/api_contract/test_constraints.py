"""The constraints the API enforces are the ones its schema states (DESIGN.md section 8; issue
25): amounts by one exact pattern, text without NUL, pagination bounds, list filters with their
allowed values (a value outside them answers 400 naming the parameter)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from apps.core.serializers import NUL, AmountField, amount_pattern, text_pattern
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_for, alice):
    return yaml.safe_load(api_for(alice).get("/api/v1/schema/").content)


def _request_component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]["properties"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("DealRegistrationRequest", "estimated_value"),
        ("TierRequest", "min_won_value"),
        ("TierRequest", "discount_percent"),
        ("ExchangeRateRequest", "rate_to_base"),
    ],
)
def test_an_amounts_documented_pattern_refuses_what_the_server_refuses(schema, component, field):
    pattern = _request_component(schema, component)[field]["pattern"]
    for text in ("", "-", ".", " 1", "1 ", "1.", ".5", "1e3", "+1", "1,5", "NaN", "1.999999999"):
        assert not re.search(pattern, text), (pattern, text)
    assert re.search(pattern, "12.5") and re.search(pattern, "12.50")


def test_the_server_reads_amounts_by_the_same_pattern():
    field = AmountField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    for text in ("", "-", ".", " 1", "1.", ".5", "1e3", "0", "0.00", "-1"):
        with pytest.raises(Exception, match="valid number|required|at least|greater"):
            field.run_validation(text)
    assert field.run_validation("0.01") == Decimal("0.01")
    assert field.run_validation(12) == Decimal("12")  # a JSON number is read as before


def test_bounds_are_in_the_pattern_itself():
    percent = amount_pattern(
        whole_digits=3, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
    )
    assert [
        t for t in ("0", "99.99", "100", "100.00", "100.01", "101", "-1") if re.search(percent, t)
    ] == [
        "0",
        "99.99",
        "100",
        "100.00",
    ]
    with pytest.raises(ValueError):
        amount_pattern(whole_digits=3, decimal_places=2, min_value=Decimal(5), max_value=None)


def test_text_fields_say_they_refuse_nul_and_do(schema, api_for, alice):
    name = _request_component(schema, "TierRequest")["name"]["pattern"]
    assert name == text_pattern(NUL, trimmed=True, blank=False)
    assert re.search(name, "Gold") and not re.search(name, "Go\x00ld")
    assert re.search(name, " Gold ") and not re.search(name, " \t ")  # trimmed, then not blank
    # A field with a pattern of its own keeps it (it excludes NUL already): the currency's is
    # the ISO codes' (a component of its own, CurrencyCodeInput).
    currency = _request_component(schema, "ExchangeRateRequest")["currency"]
    assert currency == {"$ref": "#/components/schemas/CurrencyCodeInput"}
    own = schema["components"]["schemas"]["CurrencyCodeInput"]["pattern"]
    assert re.fullmatch(own, "EUR") and not re.search(own, "EU\x00R")
    r = api_for(alice).post("/api/v1/tiers/", {"name": "Go\x00ld"}, format="json")
    assert r.status_code == 400 and "name" in r.json()


def test_pagination_bounds_are_documented_and_enforced(schema, api_for, bob, acme):
    path = schema["paths"]["/api/v1/partners/"]["get"]
    parameters = {p["name"]: p for p in path["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert "at most 200" in parameters["page_size"]["description"]
    c = api_for(bob)
    for query in (
        "page_size=0",
        "page_size=-5",
        "page_size=abc",
        "page_size=",
        "page_size=5&page_size=6",
    ):
        r = c.get(f"/api/v1/partners/?{query}")
        assert r.status_code == 400 and list(r.json()) == ["page_size"], (query, r.content)
    assert list(c.get("/api/v1/partners/?page=0").json()) == ["page"]
    assert c.get("/api/v1/partners/?page_size=100000").status_code == 200  # gives 200 a page
    assert c.get("/api/v1/partners/?page=9").status_code == 404  # past the end
    # Any whole number the schema's unbounded integer allows: the largest page, or past the end.
    huge = "1" + "7" * 40
    r = c.get(f"/api/v1/partners/?page_size={huge}")
    assert r.status_code == 200 and r.json()["count"] == len(r.json()["results"])
    assert c.get(f"/api/v1/partners/?page={huge}").status_code == 404
    assert c.get("/api/v1/partners/?page_size=" + "0" * 40).status_code == 400


def test_the_qbr_list_refuses_a_filter_value_outside_the_documented_ones(schema, api_for, bob):
    QBRFactory()
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/qbrs/"]["get"]["parameters"]
    }
    assert "overdue" in parameters["status"]["enum"] and parameters["mine"]["type"] == "boolean"
    c = api_for(bob)
    for query, name in (("status=AAA", "status"), ("mine=maybe", "mine"), ("partner=x", "partner")):
        r = c.get(f"/api/v1/qbrs/?{query}")
        assert r.status_code == 400 and list(r.json()) == [name], (query, r.content)
    assert c.get("/api/v1/qbrs/?mine=true").status_code == 200
    assert c.get("/api/v1/qbrs/?mine=0").json()["count"] == 1
