"""/api/v1/leads/ and /api/v1/lead-routing-rules/: the contract, isolation, contact hidden until
accepted, transitions, pagination and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.leads.models import Lead, Status
from apps.leads.services import lead_route
from apps.partners.models import Partner, Stage
from tests.factories import PartnerUserFactory

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def assigned(acme, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    lead = LeadFactory(contact_name="Kim Secret", contact_email="kim@secret.example")
    lead_route(lead=lead, now=timezone.now())
    lead.refresh_from_db()
    return lead


def test_staff_create_and_route(api_for, bob, acme):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    response = api_for(bob).post(
        "/api/v1/leads/",
        {
            "company": "Initech",
            "domain": "https://www.initech.com/x",
            "country": "de",
            "contact_name": "Peter",
            "contact_email": "peter@initech.com",
            "route": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["domain"] == "initech.com" and body["status"] == "assigned"
    assert body["partner"] == acme.pk and body["accept_by"]
    assert "Rule" in body["routing_history"][0]["explanation"]


def test_bad_input_is_a_400_by_field(api_for, bob):
    response = api_for(bob).post(
        "/api/v1/leads/",
        {"company": "", "domain": "not a domain", "country": "ZZ", "contact_name": "x",
         "contact_email": "bad", "estimated_value": "5"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert {"company", "contact_email"} <= set(response.json())


def test_partner_users_may_not_create(api_for, charlie):
    response = api_for(charlie).post("/api/v1/leads/", {"company": "x"}, format="json")
    assert response.status_code == 403


def test_partner_sees_its_lead_without_contact_until_accepted(api_for, assigned, charlie):
    api = api_for(charlie)
    row = api.get("/api/v1/leads/").json()["results"][0]
    assert row["contact_name"] is None and row["contact_email"] is None
    assert "routing_history" not in row and "requested_partner" not in row
    accepted = api.post(f"/api/v1/leads/{assigned.pk}/transitions/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["contact_email"] == "kim@secret.example"


def test_other_partners_get_404(api_for, assigned, dave):
    api = api_for(dave)
    assert api.get(f"/api/v1/leads/{assigned.pk}/").status_code == 404
    assert api.get("/api/v1/leads/").json()["count"] == 0
    refused = api.post(f"/api/v1/leads/{assigned.pk}/transitions/accept/", {}, format="json")
    assert refused.status_code == 404


def test_a_recalled_lead_vanishes_for_the_former_partner(api_for, assigned, charlie, bob):
    recall = api_for(bob).post(
        f"/api/v1/leads/{assigned.pk}/transitions/recall/", {}, format="json"
    )
    assert recall.status_code == 200 and recall.json()["status"] == "recalled"
    assert api_for(charlie).get(f"/api/v1/leads/{assigned.pk}/").status_code == 404
    assert api_for(charlie).get("/api/v1/leads/").json()["count"] == 0


def test_finance_users_are_refused(api_for, assigned, acme):
    finance = PartnerUserFactory(partner=acme, partner_role="finance")
    assert api_for(finance).get("/api/v1/leads/").status_code == 403


def test_reject_with_a_reason_then_404(api_for, assigned, charlie):
    reason = RejectReasonFactory()
    api = api_for(charlie)
    missing = api.post(f"/api/v1/leads/{assigned.pk}/transitions/reject/", {}, format="json")
    assert missing.status_code == 400
    done = api.post(
        f"/api/v1/leads/{assigned.pk}/transitions/reject/",
        {"reason_id": reason.pk, "reason": "Too far away"},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert Lead.objects.get(pk=assigned.pk).status == Status.REJECTED_BY_PARTNER
    assert api.get(f"/api/v1/leads/{assigned.pk}/").status_code == 404


def test_convert_once(api_for, assigned, charlie):
    api = api_for(charlie)
    api.post(f"/api/v1/leads/{assigned.pk}/transitions/accept/", {}, format="json")
    url = f"/api/v1/leads/{assigned.pk}/transitions/convert/"
    # the lead had no value: the partner gives it (else 400 by field)
    missing = api.post(url, {"expected_close_date": CLOSE}, format="json")
    assert missing.status_code == 400 and "estimated_value" in missing.json()
    assert Lead.objects.get(pk=assigned.pk).status == Status.ACCEPTED
    data = {"expected_close_date": CLOSE, "estimated_value": "9000", "currency": "EUR"}
    done = api.post(url, data, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["registration"] and done.json()["status"] == "converted"
    again = api.post(url, data, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_staff_may_not_accept_for_the_partner(api_for, assigned, bob):
    response = api_for(bob).post(
        f"/api/v1/leads/{assigned.pk}/transitions/accept/", {}, format="json"
    )
    assert response.status_code == 403


def test_transitions_list(api_for, assigned, charlie):
    rows = api_for(charlie).get(f"/api/v1/leads/{assigned.pk}/transitions/").json()
    allowed = {r["name"] for r in rows if r["allowed"]}
    assert allowed == {"accept", "reject"}


def test_list_filters_refuse_unknown_values(api_for, bob):
    assert api_for(bob).get("/api/v1/leads/?status=nope").status_code == 400
    assert api_for(bob).get("/api/v1/leads/?status=open").status_code == 200


def test_the_list_costs_the_same_for_any_number_of_leads(
    api_for, bob, acme, django_assert_max_num_queries
):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    for _ in range(12):
        lead_route(lead=LeadFactory(), now=timezone.now())
    api = api_for(bob)
    # session/user, count, page of leads with partners, the prefetched assignments (+ their
    # partner/rule/user/reason joined)
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/leads/?page_size=50")
    assert response.json()["count"] == 12


def test_routing_rules_admins_write_managers_read_partners_refused(api_for, alice, bob, charlie):
    created = api_for(alice).post(
        "/api/v1/lead-routing-rules/",
        {"name": "DACH", "priority": 1, "countries": ["de", "AT"], "partner_types": ["reseller"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["countries"] == ["DE", "AT"]
    assert api_for(bob).get("/api/v1/lead-routing-rules/").json()["count"] == 1
    assert (
        api_for(bob).post("/api/v1/lead-routing-rules/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert api_for(charlie).get("/api/v1/lead-routing-rules/").status_code == 403
    bad = api_for(alice).post(
        "/api/v1/lead-routing-rules/", {"name": "x", "countries": ["QQ"]}, format="json"
    )
    assert bad.status_code == 400 and "countries" in bad.json()
