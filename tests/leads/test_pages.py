"""The manager's lead pages and the partner's inbox: isolation, the contact hidden until
accepted, actions, the CSV export, query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.leads.models import Lead, Status
from apps.leads.services import lead_route
from apps.partners.models import Partner, Stage

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def assigned(acme, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    lead = LeadFactory(
        company="Zzcustomer", contact_name="Kim Secret", contact_email="kim@secret.example",
        estimated_value="7000", currency="EUR",
    )  # fmt: skip
    lead_route(lead=lead, now=timezone.now())
    lead.refresh_from_db()
    return lead


def test_manager_adds_a_lead_that_is_routed(client_for, bob, acme):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    response = client_for(bob).post(
        "/leads/new/",
        {"company": "Initech", "domain": "initech.com", "country": "DE",
         "contact_name": "Peter", "contact_email": "peter@initech.com", "route": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    lead = Lead.objects.get(domain="initech.com")
    assert lead.status == Status.ASSIGNED and lead.partner_id == acme.pk
    page = client_for(bob).get(f"/leads/{lead.pk}/").content.decode()
    assert "Routing history" in page and "Rule" in page and acme.name in page


def test_a_bad_lead_form_shows_errors(client_for, bob):
    response = client_for(bob).post("/leads/new/", {"company": "", "country": "DE"})
    assert response.status_code == 400


def test_the_board_by_status_costs_the_same_for_more_leads(
    client_for, bob, assigned, django_assert_max_num_queries
):
    LeadFactory.create_batch(10)
    client = client_for(bob)
    client.get("/leads/")  # warm the session
    # session, user, the status counts, count + page of leads with partners, nav/notifications
    with django_assert_max_num_queries(12):
        response = client.get("/leads/?status=all")
    assert response.status_code == 200 and "Zzcustomer" in response.content.decode()
    assert client.get("/leads/?status=nope").status_code == 400


def test_manager_recalls_and_assigns(client_for, bob, assigned, globex):
    Partner.objects.filter(pk=globex.pk).update(stage=Stage.GROWTH)
    client = client_for(bob)
    client.post(f"/leads/{assigned.pk}/recall/")
    assigned.refresh_from_db()
    assert assigned.status == Status.RECALLED
    client.post(f"/leads/{assigned.pk}/assign/", {"partner": globex.pk})
    assigned.refresh_from_db()
    assert assigned.partner_id == globex.pk


def test_partner_inbox_hides_contact_until_accepted_then_converts(client_for, charlie, assigned):
    client = client_for(charlie)
    inbox = client.get("/portal/leads/").content.decode()
    assert "Zzcustomer" in inbox
    page = client.get(f"/portal/leads/{assigned.pk}/").content.decode()
    assert "kim@secret.example" not in page and "Kim Secret" not in page
    client.post(f"/portal/leads/{assigned.pk}/accept/")
    page = client.get(f"/portal/leads/{assigned.pk}/").content.decode()
    assert "kim@secret.example" in page
    converted = client.post(
        f"/portal/leads/{assigned.pk}/convert/",
        {"expected_close_date": CLOSE, "product": "Suite", "estimated_value": "7000",
         "currency": "EUR"},
    )  # fmt: skip
    assert converted.status_code == 302, converted.content.decode()[:3000]
    assigned.refresh_from_db()
    assert assigned.status == Status.CONVERTED and assigned.registration_id
    again = client.post(
        f"/portal/leads/{assigned.pk}/convert/",
        {"expected_close_date": CLOSE, "product": "Suite", "estimated_value": "7000",
         "currency": "EUR"},
    )  # fmt: skip
    assert again.status_code == 400
    assert Lead.objects.get(pk=assigned.pk).registration_id == assigned.registration_id


def test_other_partners_get_404_and_a_rejected_lead_vanishes(client_for, charlie, dave, assigned):
    assert client_for(dave).get(f"/portal/leads/{assigned.pk}/").status_code == 404
    assert "Zzcustomer" not in client_for(dave).get("/portal/leads/").content.decode()
    reason = RejectReasonFactory()
    client = client_for(charlie)
    response = client.post(f"/portal/leads/{assigned.pk}/reject/", {"reason": reason.pk})
    assert response.status_code == 302
    assert client.get(f"/portal/leads/{assigned.pk}/").status_code == 404


def test_a_reject_without_a_reason_is_refused(client_for, charlie, assigned):
    response = client_for(charlie).post(f"/portal/leads/{assigned.pk}/reject/", {})
    assert response.status_code == 400
    assert Lead.objects.get(pk=assigned.pk).status == Status.ASSIGNED


def test_inbox_query_count(client_for, charlie, assigned, django_assert_max_num_queries):
    client = client_for(charlie)
    client.get("/portal/leads/")
    with django_assert_max_num_queries(10):
        assert client.get("/portal/leads/").status_code == 200


def test_export_lists_the_filtered_leads(client_for, bob, assigned):
    response = client_for(bob).get("/leads/export.csv?status=assigned")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "id" and len(rows) == 2 and rows[1][1] == "Zzcustomer"
    assert client_for(bob).get("/leads/export.csv?status=zz").status_code == 400


def test_partner_page_and_dashboard_show_lead_figures(
    client_for, bob, alice, assigned, acme, charlie
):
    client_for(charlie).post(f"/portal/leads/{assigned.pk}/accept/")
    page = client_for(bob).get(f"/partners/{acme.pk}/").content.decode()
    assert "Reach and leads" in page and "100 %" in page
    assert "Leads by partner" in client_for(alice).get("/").content.decode()


def test_partner_admin_proposes_reach_in_the_portal_and_manager_applies(
    client_for, charlie, bob, acme
):
    client = client_for(charlie)
    response = client.post("/portal/company/", {"countries": "de, fr", "specializations": "IoT"})
    assert response.status_code == 302
    bad = client.post("/portal/company/", {"countries": "XX"})
    assert bad.status_code == 400
    acme.refresh_from_db()
    assert acme.proposed_countries == ["DE", "FR"] and not acme.countries
    assert "reach-proposal" in client_for(bob).get(f"/partners/{acme.pk}/").content.decode()
    client_for(bob).post(f"/partners/{acme.pk}/reach/", {"apply": "1"})
    acme.refresh_from_db()
    assert acme.countries == ["DE", "FR"] and acme.specializations == ["IoT"]


def test_the_locator_opt_in_has_one_place_the_directory_listing_linked_from_company(
    client_for, charlie, acme
):
    client = client_for(charlie)
    page = client.get("/portal/company/").content.decode()
    assert 'href="/portal/listing/"' in page
    assert 'name="listed_in_locator"' not in page and 'name="listed"' not in page
    # The old opt-in form's post is now a reach proposal like any other: no opt-in happens.
    client.post("/portal/company/", {"listing": "1", "listed_in_locator": "on"})
    acme.refresh_from_db()
    assert not acme.listed_in_locator
    assert 'name="listed"' in client.get("/portal/listing/").content.decode()


def test_admin_edits_routing_rules_managers_only_read(client_for, alice, bob):
    response = client_for(alice).post(
        "/leads/rules/new/",
        {"name": "DACH", "priority": "1", "countries": "de, at", "active": "on"},
    )
    assert response.status_code == 302
    assert "DACH" in client_for(bob).get("/leads/rules/").content.decode()
    assert client_for(bob).get("/leads/rules/new/").status_code == 403
