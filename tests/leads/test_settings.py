"""The Lead settings tab of the program settings (issue 22): admins set the acceptance clock,
the cap of open leads and the reject reasons; the forms validate; nobody else gets in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import NotPermitted
from apps.leads.configure import lead_settings_update
from apps.leads.models import LeadSettings, RejectReason
from apps.leads.services import lead_assign, lead_route
from apps.partners.models import Partner, Stage

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
URL = "/leads/settings/"


@pytest.fixture
def assigned(acme, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    lead = LeadFactory()
    lead_route(lead=lead, now=timezone.now())
    return lead


def test_the_tab_is_among_the_program_settings_tabs(client_for, alice):
    page = client_for(alice).get("/program/").content.decode()
    assert f'href="{URL}"' in page and "Lead settings" in page
    tab = client_for(alice).get(URL).content.decode()
    assert 'aria-current="page">Lead settings' in tab and 'href="/program/stages/"' in tab


def test_admin_changes_the_clock_and_new_assignments_follow_it(client_for, alice, bob, acme):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    acme.refresh_from_db()
    client = client_for(alice)
    response = client.post(
        URL, {"acceptance_hours": "48", "open_leads_cap": "3", "reroute_on_lapse": ""}
    )
    assert response.status_code == 302 and response.url == URL
    settings = LeadSettings.get()
    assert (settings.acceptance_hours, settings.open_leads_cap, settings.reroute_on_lapse) == (
        48,
        3,
        False,
    )
    now = timezone.now()
    assignment = lead_assign(lead=LeadFactory(), partner=acme, actor=bob, now=now)
    assert assignment.accept_by - now == timedelta(hours=48)
    assert "Lead settings saved." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"acceptance_hours": "0", "open_leads_cap": "10"}, "acceptance_hours"),
        ({"acceptance_hours": "721", "open_leads_cap": "10"}, "acceptance_hours"),
        ({"acceptance_hours": "abc", "open_leads_cap": "10"}, "acceptance_hours"),
        ({"acceptance_hours": "24", "open_leads_cap": "0"}, "open_leads_cap"),
        ({"acceptance_hours": "24", "open_leads_cap": "1e9"}, "open_leads_cap"),
        ({"acceptance_hours": "", "open_leads_cap": ""}, "open_leads_cap"),
    ],
)
def test_bad_settings_are_refused_by_the_field(client_for, alice, data, field):
    response = client_for(alice).post(URL, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    settings = LeadSettings.get()
    assert (settings.acceptance_hours, settings.open_leads_cap) == (24, 10)


def test_only_admins_configure_leads(client_for, bob, charlie):
    assert client_for(bob).get(URL).status_code == 403
    assert client_for(bob).post(URL, {"acceptance_hours": "1"}).status_code == 403
    assert client_for(bob).get("/leads/settings/reject-reasons/new/").status_code == 403
    assert client_for(charlie).get(URL).status_code == 302  # a partner user: to the portal
    with pytest.raises(NotPermitted):
        lead_settings_update(actor=bob, acceptance_hours=1)
    assert LeadSettings.get().acceptance_hours == 24


def test_admin_keeps_the_reject_reasons_partners_pick_from(client_for, alice, charlie, assigned):
    client = client_for(alice)
    response = client.post(
        "/leads/settings/reject-reasons/new/", {"label": "Outside our region", "order": "1"}
    )
    assert response.status_code == 302 and response.url == URL
    reason = RejectReason.objects.get(label="Outside our region")
    assert not reason.active  # an unticked box: added but not offered yet
    client.post(
        f"/leads/settings/reject-reasons/{reason.pk}/",
        {"label": "Outside our region", "order": "1", "active": "on"},
    )
    RejectReasonFactory(label="Retired reason", active=False)
    page = client.get(URL).content.decode()
    assert "Outside our region" in page and "no (retired)" in page

    inbox = client_for(charlie).get(f"/portal/leads/{assigned.pk}/").content.decode()
    assert "Outside our region" in inbox and "Retired reason" not in inbox

    assert client.post("/leads/settings/reject-reasons/new/", {"label": ""}).status_code == 400
    duplicate = client.post(
        "/leads/settings/reject-reasons/new/", {"label": "Outside our region", "order": "2"}
    )
    assert duplicate.status_code == 400 and RejectReason.objects.count() == 2
    assert client.get("/leads/settings/reject-reasons/99999/").status_code == 404


def test_the_settings_tab_costs_the_same_for_more_reasons(client_for, alice):
    client = client_for(alice)
    RejectReasonFactory(label="First")
    client.get(URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(10):
        RejectReasonFactory(label=f"Reason {n}")
    assert count() == few


def test_the_reject_reasons_edit_page_shows_the_tabs(client_for, alice):
    page = client_for(alice).get(reverse("leads:reject_reason_create")).content.decode()
    assert 'aria-current="page">Lead settings' in page
