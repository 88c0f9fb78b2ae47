"""Return on funds: registrations and leads name the fund request that produced them (the
partner's own approved requests only, in the portal form, the API and a lead's conversion), and
the figures per activity, partner and activity type with known answers, currencies converted at
the rate in force."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.funds.models import Attribution, FundPeriod, FundRequest
from apps.funds.selectors import Return, return_by_activity, return_on_funds
from apps.funds.services.attribution import attribute
from apps.leads.models import Lead
from apps.leads.services import lead_accept, lead_route
from apps.program.models import ExchangeRate
from tests.leads.factories import LeadFactory, RuleFactory
from tests.qbrs.factories import registration

from .factories import allocation, member, period, request_in

pytestmark = pytest.mark.django_db

CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()
REGISTRATION = {
    "customer_name": "Initech",
    "customer_domain": "initech.example",
    "customer_country": "DE",
    "contact_name": "Peter Gibbons",
    "contact_email": "peter@initech.example",
    "product": "Fleet Analytics",
    "estimated_value": "12000",
    "currency": "USD",
    "expected_close_date": CLOSE,
}


def _link_of(registration_pk: int) -> int | None:
    return (
        Attribution.objects.filter(registration_id=registration_pk)
        .values_list("request_id", flat=True)
        .first()
    )


def test_the_portal_form_names_only_the_partners_own_approved_requests(
    acme, globex, bob, client_for
):
    own = request_in("approved", allocation(acme), manager=bob)
    draft = request_in("submitted", own.allocation, manager=bob)
    theirs = request_in("approved", allocation(globex, of=own.allocation.period), manager=bob)
    nina = member(acme)
    portal = client_for(nina)
    page = portal.get("/portal/register/").content.decode()
    assert "Funded activity" in page and f'value="{own.pk}"' in page
    assert f'value="{draft.pk}"' not in page and f'value="{theirs.pk}"' not in page
    for refused in (theirs, draft):
        answer = portal.post("/portal/register/", {**REGISTRATION, "fund_request": str(refused.pk)})
        assert answer.status_code == 400
        assert not DealRegistration.objects.filter(customer_domain="initech.example").exists()
    answer = portal.post("/portal/register/", {**REGISTRATION, "fund_request": str(own.pk)})
    assert answer.status_code == 302
    reg = DealRegistration.objects.get(customer_domain="initech.example")
    assert _link_of(reg.pk) == own.pk


def test_the_api_takes_and_answers_fund_request_on_registrations(acme, globex, bob, api_for):
    own = request_in("paid", allocation(acme), manager=bob)
    theirs = request_in("approved", allocation(globex, of=own.allocation.period), manager=bob)
    api = api_for(member(acme))
    for refused in (theirs.pk, 2**53 - 1, "x"):
        answer = api.post(
            "/api/v1/deal-registrations/", {**REGISTRATION, "fund_request": refused}, format="json"
        )
        assert answer.status_code == 400 and "fund_request" in answer.json(), answer.json()
    assert not DealRegistration.objects.exists()  # the refused link rolled the creation back
    created = api.post(
        "/api/v1/deal-registrations/", {**REGISTRATION, "fund_request": own.pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["fund_request"] == own.pk
    plain = api.post(
        "/api/v1/deal-registrations/",
        {**REGISTRATION, "customer_domain": "hooli.example"},
        format="json",
    )
    assert plain.status_code == 201 and plain.json()["fund_request"] is None
    listed = {
        r["id"]: r["fund_request"] for r in api.get("/api/v1/deal-registrations/").json()["results"]
    }
    assert listed == {created.json()["id"]: own.pk, plain.json()["id"]: None}
    one = api.get(f"/api/v1/deal-registrations/{created.json()['id']}/").json()
    assert one["fund_request"] == own.pk


def test_a_lead_names_a_request_for_staff_and_its_conversion_carries_it(
    acme, bob, client_for, api_for
):
    own = request_in("approved", allocation(acme), manager=bob)
    staff = api_for(bob)
    made = staff.post(
        "/api/v1/leads/",
        {"company": "Umbrella", "domain": "umbrella.example", "country": "DE",
         "contact_name": "Alice Abernathy", "contact_email": "alice@umbrella.example",
         "fund_request": own.pk},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    lead = Lead.objects.get(pk=made.json()["id"])
    assert made.json()["fund_request"] == own.pk
    assert Attribution.objects.get(lead=lead).request_id == own.pk
    # The partner it is routed to works it; the vendor's credit of the lead is not in its answer.
    RuleFactory()
    lead_route(lead=lead, now=timezone.now())
    nina = member(acme)
    lead_accept(lead=lead, actor=nina)
    seen = api_for(nina).get(f"/api/v1/leads/{lead.pk}/").json()
    assert "fund_request" not in seen
    portal = client_for(nina)
    page = portal.get(f"/portal/leads/{lead.pk}/").content.decode()
    assert f'<option value="{own.pk}" selected>' in page  # the conversion starts from the lead's
    answer = portal.post(
        f"/portal/leads/{lead.pk}/convert/",
        {"expected_close_date": CLOSE, "product": "Analytics", "estimated_value": "9000",
         "currency": "USD", "fund_request": str(own.pk)},
    )  # fmt: skip
    assert answer.status_code == 302
    lead.refresh_from_db()
    assert _link_of(lead.registration_id) == own.pk


def test_a_lead_form_refuses_a_request_not_approved(bob, acme, api_for):
    draft = request_in("submitted", allocation(acme), manager=bob)
    answer = api_for(bob).post(
        "/api/v1/leads/",
        {"company": "Umbrella", "country": "DE", "contact_name": "A B",
         "contact_email": "a@umbrella.example", "fund_request": draft.pk},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 400 and "fund_request" in answer.json()
    assert not Lead.objects.exists()


def test_the_return_per_activity_partner_and_type_with_known_answers(acme, globex, bob, alice):
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.10"), effective_date=datetime.date(2020, 1, 1)
    )
    now = timezone.now()
    # A period in the program's base currency (USD) and an EUR allocation of it: 1,000 EUR
    # approved, 800 EUR actual cost → 880 USD of cost.
    p = period()
    FundPeriod.objects.filter(pk=p.pk).update(currency="USD")
    p.refresh_from_db()
    claimed = request_in(
        "claim_approved", allocation(acme, "5000", of=p, currency="EUR"), amount="1000",
        manager=bob,
    )  # fmt: skip
    FundRequest.objects.filter(pk=claimed.pk).update(actual_cost=Decimal("800.00"))
    # A USD allocation's approved request without a claim costs what was approved.
    other = request_in(
        "approved", allocation(globex, "5000", of=p, currency="USD"), amount="2000",
        manager=bob,
    )  # fmt: skip
    FundRequest.objects.filter(pk=other.pk).update(activity_type="event")
    regs = [
        registration(acme, status="won", value="10000", currency="EUR", submitted_at=now,
                     closed_at=now),  # 11,000 USD won and pipeline
        registration(acme, status="won", value="2000", actual_value="2500", currency="USD",
                     submitted_at=now, closed_at=now),  # pipeline 2,000, won 2,500
        registration(acme, status="approved", value="5000", submitted_at=now),  # pipeline
        registration(acme, status="rejected", value="7000", submitted_at=now),  # counted only
        registration(acme, status="won", value="100", currency="GBP", submitted_at=now,
                     closed_at=now),  # no rate: named, not counted
        registration(globex, status="won", value="3000", submitted_at=now, closed_at=now),
    ]  # fmt: skip
    for reg in regs[:5]:
        attribute("registration", reg, claimed.pk, partner_id=acme.pk, actor=bob)
    attribute("registration", regs[5], other.pk, partner_id=globex.pk, actor=bob)
    lead = LeadFactory()
    attribute("lead", lead, claimed.pk, partner_id=None, actor=bob)

    result = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())

    mine = result.by_request[claimed.pk]
    assert (mine.leads, mine.registrations) == (1, 5)
    assert (mine.pipeline, mine.won, mine.cost) == (
        Decimal("18000.00"), Decimal("13500.00"), Decimal("880.00"),
    )  # fmt: skip
    assert mine.ratio == Decimal("15.34") and mine.missing == {"GBP"}
    theirs = result.by_request[other.pk]
    assert (theirs.won, theirs.cost, theirs.ratio) == (
        Decimal("3000.00"), Decimal("2000.00"), Decimal("1.50"),
    )  # fmt: skip
    assert result.by_partner[acme.pk].won == Decimal("13500.00")
    assert {key: f.won for key, _label, f in result.activity_rows()} == {
        "event": Decimal("3000.00"),
        "webinar": Decimal("13500.00"),
    }
    assert result.total.won == Decimal("16500.00") and result.total.cost == Decimal("2880.00")
    assert result.total.ratio == Decimal("5.73")
    # The dashboard's figures by activity type, summed in the database from the same
    # per-request figures: equal by construction, missing currencies included.
    summed = return_by_activity(FundRequest.objects.all(), today=timezone.localdate())
    assert summed.by_activity == result.by_activity and summed.total == result.total
    assert summed.by_activity["webinar"].missing == {"GBP"}
    # A second currency without a rate on the same request: named once, nothing summed twice.
    jpy = registration(acme, status="won", value="90000", currency="JPY", submitted_at=now,
                       closed_at=now)  # fmt: skip
    attribute("registration", jpy, claimed.pk, partner_id=acme.pk, actor=bob)
    again = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())
    summed = return_by_activity(FundRequest.objects.all(), today=timezone.localdate())
    assert summed.by_activity == again.by_activity and summed.total == again.total
    assert summed.by_activity["webinar"].missing == {"GBP", "JPY"}
    assert summed.by_activity["webinar"].cost == Decimal("880.00")
    empty = return_by_activity(FundRequest.objects.none(), today=timezone.localdate())
    assert not empty.by_activity and empty.total == Return()


def test_a_registration_reached_through_its_lead_counts_once(acme, bob):
    now = timezone.now()
    first = request_in("approved", allocation(acme), manager=bob)
    second = request_in("approved", first.allocation, manager=bob)
    reg = registration(acme, status="won", value="1000", submitted_at=now, closed_at=now)
    lead = LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(registration=reg)
    attribute("lead", lead, first.pk, partner_id=None, actor=bob)
    result = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())
    assert result.by_request[first.pk].won == Decimal("1000.00")
    attribute("registration", reg, second.pk, partner_id=acme.pk, actor=bob)  # its own wins
    result = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())
    assert result.by_request[first.pk].won == 0 and result.by_request[second.pk].won == 1000
    assert result.total.won == Decimal("1000.00")


def test_the_pages_and_the_dashboard_show_the_return(acme, bob, client_for):
    now = timezone.now()
    r = request_in("approved", allocation(acme), amount="1000", manager=bob)
    reg = registration(acme, status="won", value="4000", submitted_at=now, closed_at=now)
    attribute("registration", reg, r.pk, partner_id=acme.pk, actor=bob)
    staff = client_for(bob)
    overview = staff.get("/funds/").content.decode()
    assert "Return on funds" in overview and "4.00×" in overview and "Acme Resellers" in overview
    assert "4.00×" in staff.get(f"/funds/requests/{r.pk}/").content.decode()
    assert 'id="fund-returns"' in staff.get("/").content.decode()
    mine = client_for(member(acme)).get("/portal/funds/").content.decode()
    assert "4,000.00" in mine and "4.00×" in mine


def test_the_managers_registration_page_names_the_activity_credited_with_it(acme, bob, client_for):
    r = request_in("approved", allocation(acme), amount="1000", manager=bob)
    now = timezone.now()
    credited = registration(acme, status="approved", submitted_at=now)
    other = registration(acme, status="approved", submitted_at=now)
    attribute("registration", credited, r.pk, partner_id=acme.pk, actor=bob)
    staff = client_for(bob)
    page = staff.get(reverse("deals:detail", args=[credited.pk])).content.decode()
    assert 'id="fund-credit-h"' in page and r.title in page
    assert f'href="/funds/requests/{r.pk}/"' in page
    assert 'id="fund-credit-h"' not in staff.get(reverse("deals:detail", args=[other.pk])).text


@pytest.mark.parametrize("n", [2, 30])
def test_the_return_costs_the_same_queries_at_any_size(n, acme, bob):
    now = timezone.now()
    alloc = allocation(acme, "90000")
    by = member(acme)
    for _ in range(n):
        r = request_in("approved", alloc, amount="10", by=by, manager=bob)
        reg = registration(acme, status="won", value="100", submitted_at=now, closed_at=now)
        attribute("registration", reg, r.pk, partner_id=acme.pk, actor=bob)
        attribute("lead", LeadFactory(), r.pk, partner_id=None, actor=bob)
    with CaptureQueriesContext(connection) as ctx:
        result = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())
    # The program's base currency; one statement reading the requests with their allocation and
    # partner and summing their leads and credited registrations, converted with the rate in force.
    assert len(ctx.captured_queries) == 2
    assert result.total.won == Decimal(100 * n) and result.total.leads == n


@pytest.mark.parametrize("n", [2, 30])
def test_the_pages_and_lists_with_returns_cost_the_same_queries_at_any_size(
    n, acme, bob, client_for, api_for
):
    now = timezone.now()
    alloc = allocation(acme, "90000")
    by = member(acme)
    for _ in range(n):
        r = request_in("approved", alloc, amount="10", by=by, manager=bob)
        reg = registration(acme, status="won", value="100", submitted_at=now, closed_at=now)
        attribute("registration", reg, r.pk, partner_id=acme.pk, actor=bob)
        attribute("lead", LeadFactory(), r.pk, partner_id=None, actor=bob)
    counts = {}
    for who, client, url in (
        ("overview", client_for(bob), "/funds/"),
        ("my_funds", client_for(by), "/portal/funds/"),
        ("registrations", api_for(by), "/api/v1/deal-registrations/"),
        ("leads", api_for(bob), "/api/v1/leads/"),
        ("files", api_for(by), f"/api/v1/fund-requests/{r.pk}/files/"),
    ):
        client.get(url)  # warm the per-process caches (program settings, navigation)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[who] = len(ctx.captured_queries)
    assert counts == PAGE_QUERIES, counts


# Equal at 2 and 30 activities, each with a won registration and a lead credited to it.
# overview and my funds: their 4 and 5 of tests/funds/test_pages_api.py, then the base currency,
# and one statement reading the approved requests and summing their credited leads and
# registrations, converted; the registrations
# and leads lists: the count and the page with `fund_request` read in the page's own query (and
# the leads' routing history for staff); files: the request and its files.
PAGE_QUERIES = {"overview": 6, "my_funds": 6, "registrations": 2, "leads": 3, "files": 2}
