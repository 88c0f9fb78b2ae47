"""List filters are django-filter FilterSets shared by the API, the pages and the exports: the API
answers a bad value with 400 naming the parameter, the schema lists the parameters, and a page or
an export refuses it the same way: 400, the message next to the filter and no rows — never the
list without that filter, which would pass for the filtered one (issue 23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from tests.deals.factories import RegistrationFactory
from tests.factories import AgreementFactory, PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db


def _parameters(document: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}


def test_the_schema_lists_each_lists_filters(api_for, bob):
    document = yaml.safe_load(api_for(bob).get("/api/v1/schema/").content)
    partners = _parameters(document, "/api/v1/partners/")
    assert partners["search"]["type"] == "string"
    assert "growth" in partners["stage"]["enum"]
    deals = _parameters(document, "/api/v1/deal-registrations/")
    assert {"status", "search", "q", "partner"} <= set(deals)
    assert {"submitted", "extension", "all"} <= set(deals["status"]["enum"])
    assert deals["partner"]["type"] == "integer"
    qbrs = _parameters(document, "/api/v1/qbrs/")
    assert {"status", "mine", "q", "partner"} <= set(qbrs)
    assert "overdue" in qbrs["status"]["enum"]
    agreements = _parameters(document, "/api/v1/agreements/")
    assert agreements["partner"]["type"] == "integer" and "active" in agreements["status"]["enum"]
    proposals = _parameters(document, "/api/v1/tier-proposals/")
    assert {"status", "partner"} <= set(proposals)
    # Only the lists take them: one partner's page and its sub-lists take no list filter, and
    # a list documents the 400 its filters may answer.
    for path in ("/api/v1/partners/{id}/", "/api/v1/partners/{id}/history/"):
        assert "stage" not in _parameters(document, path)
    assert "400" in document["paths"]["/api/v1/partners/"]["get"]["responses"]


def test_one_object_is_found_whatever_list_filter_is_sent(api_for, bob, acme):
    r = api_for(bob).get(f"/api/v1/partners/{acme.pk}/", {"stage": "bogus"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/partners/", {"stage": "bogus"}, "stage"),
        ("/api/v1/deal-registrations/", {"status": "bogus"}, "status"),
        ("/api/v1/deal-registrations/", {"partner": "abc"}, "partner"),
        ("/api/v1/agreements/", {"partner": "1;drop"}, "partner"),
        ("/api/v1/agreements/", {"status": "signed?"}, "status"),
        ("/api/v1/tier-proposals/", {"partner": "²"}, "partner"),
    ],
)
def test_the_api_answers_a_bad_filter_with_400_naming_it(api_for, bob, url, params, field):
    r = api_for(bob).get(url, params)
    assert r.status_code == 400, r.content
    assert list(r.json()) == [field]
    assert r.json()[field][0]  # and says why


def test_the_api_filters_agreements_by_status_and_partner(api_for, bob, acme, globex):
    mine = AgreementFactory(partner=acme, status="active")
    AgreementFactory(partner=acme)
    AgreementFactory(partner=globex, status="active")
    c = api_for(bob)
    ids = lambda r: [a["id"] for a in r.json()["results"]]  # noqa: E731
    assert ids(c.get("/api/v1/agreements/", {"status": "active", "partner": acme.pk})) == [mine.pk]
    assert c.get("/api/v1/agreements/", {"partner": "9" * 40}).json()["count"] == 0  # no such id


def test_the_qbr_api_takes_the_pages_filters_too(api_for, bob):
    overdue = QBRFactory(
        partner=PartnerFactory(name="Acme", stage="growth", manager=bob),
        scheduled_for=timezone.now() - timedelta(days=2),
    )
    QBRFactory(partner=PartnerFactory(name="Globex", stage="growth"))
    c = api_for(bob)
    ids = lambda r: [q["id"] for q in r.json()["results"]]  # noqa: E731
    assert ids(c.get("/api/v1/qbrs/", {"status": "overdue"})) == [overdue.pk]
    assert ids(c.get("/api/v1/qbrs/", {"mine": "1"})) == [overdue.pk]
    assert ids(c.get("/api/v1/qbrs/", {"q": "acm"})) == [overdue.pk]


def test_the_deal_api_reads_search_and_q_alike(api_for, bob, acme):
    RegistrationFactory(partner=acme, customer_name="Initech")
    RegistrationFactory(partner=acme, customer_name="Hooli")
    c = api_for(bob)
    for name in ("search", "q"):
        assert c.get("/api/v1/deal-registrations/", {name: "inite\x00"}).json()["count"] == 1


def test_a_page_shows_the_bad_filter_and_lists_nothing(client_for, bob, acme, globex):
    RegistrationFactory(partner=acme, customer_name="Alpha")
    RegistrationFactory(partner=globex, customer_name="Beta")
    r = client_for(bob).get(reverse("deals:queue"), {"partner": "abc", "q": "alpha"})
    assert r.status_code == 400
    assert r.context["rows"] == []
    html = r.content.decode()
    assert 'id="filter-errors"' in html and "Partner: Give an id (digits only)." in html
    assert "Alpha" not in html


def test_the_partners_page_shows_the_error_next_to_its_field(client_for, bob):
    PartnerFactory(name="Alpha")
    r = client_for(bob).get(reverse("partners:list"), {"stage": "nope", "search": "alp"})
    assert r.status_code == 400
    assert r.context["rows"] == []
    assert 'id="id_stage_error"' in r.content.decode()


def test_the_partners_page_sends_htmx_to_the_whole_page_on_a_bad_filter(client_for, bob):
    r = client_for(bob).get(reverse("partners:list"), {"stage": "nope"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    assert r["HX-Redirect"] == reverse("partners:list") + "?stage=nope"


# Every staff list page with filters, and a value none of its filters takes.
LIST_PAGES = [
    ("partners:list", {"stage": "bogus"}),
    ("partners:list", {"tier": "999999"}),
    ("deals:queue", {"status": "bogus"}),
    ("agreements:list", {"status": "bogus"}),
    ("qbrs:list", {"status": "bogus"}),
    ("leads:board", {"status": "bogus"}),
    ("funds:queue", {"q": "bogus"}),
    ("funds:overview", {"period": "999999"}),
    ("funds:earnings", {"status": "bogus"}),
    ("funds:payouts", {"status": "bogus"}),
    ("applications:queue", {"status": "bogus"}),
    ("tiers:proposals", {"status": "bogus"}),
    ("enablement:library", {"phase": "bogus"}),
    ("enablement:certifications", {"status": "bogus"}),
]


@pytest.mark.parametrize(("name", "params"), LIST_PAGES)
def test_every_list_page_refuses_an_unknown_filter_value(name, params, client_for, alice, bob):
    partner = PartnerFactory(name="Listed Partner", manager=bob)
    RegistrationFactory(partner=partner, customer_name="Listed Customer")
    AgreementFactory(partner=partner, title="Listed Agreement")
    QBRFactory(partner=partner)
    c = client_for(alice)
    assert c.get(reverse(name)).status_code == 200

    r = c.get(reverse(name), params)

    assert r.status_code == 400, r.content[:300]
    if name == "funds:overview":  # one period's figures, not a list: none is shown
        assert r.context["period"] is None
    else:
        assert len(r.context["page"].object_list) == 0
    html = r.content.decode()
    assert 'id="filter-errors"' in html or 'class="error"' in html, "the refusal is not shown"
    assert "Listed Customer" not in html and "Listed Agreement" not in html


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("exchange:partners_csv", {"stage": "bogus"}),
        ("exchange:registrations_csv", {"status": "bogus"}),
        ("exchange:qbrs_csv", {"status": "bogus"}),
    ],
)
def test_every_export_refuses_an_unknown_filter_value(name, params, client_for, bob):
    RegistrationFactory(partner=PartnerFactory(name="Listed Partner"))
    r = client_for(bob).get(reverse(name), params)
    assert r.status_code == 400
    assert list(params)[0] in r.content.decode()
