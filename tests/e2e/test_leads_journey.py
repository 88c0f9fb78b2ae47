"""A manager adds a lead that is routed to a partner; the partner accepts it (the contact
appears) and converts it to a registration; the manager sees it converted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.leads.models import Lead, Status
from apps.partners.models import Stage
from tests.factories import PASSWORD, PartnerFactory, PartnerUserFactory
from tests.leads.factories import RuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, next_url):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_a_lead_is_routed_accepted_converted_and_seen(page, live_server, console_errors, shot, bob):
    acme = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob, countries=["DE"])
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    RuleFactory(name="DACH", countries=["DE", "AT"])

    sign_in(page, live_server, bob, "/leads/new/")
    page.get_by_label("Company").fill("Initech AG")
    page.get_by_label("Website or domain").fill("https://www.initech.de/")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Contact person").fill("Peter Gibbons")
    page.get_by_label("Contact e-mail").fill("peter@initech.de")
    page.get_by_label("Product or need").fill("Fleet Analytics")
    page.get_by_label("Estimated deal value").fill("30000")
    page.get_by_label("Currency").select_option("EUR")
    shot("leads-new")
    page.get_by_role("button", name="Add lead").click()
    expect(page.locator("#routing-history")).to_contain_text("Acme Resellers")
    expect(page.locator("#routing-history")).to_contain_text("DACH")
    shot("leads-detail-routed")

    sign_in(page, live_server, charlie, "/portal/leads/")
    expect(page.get_by_role("link", name="Initech AG")).to_be_visible()
    shot("leads-portal-inbox")
    page.get_by_role("link", name="Initech AG").click()
    expect(page.locator("#lead-contact")).not_to_contain_text("peter@initech.de")
    page.get_by_role("button", name="Accept the lead").click()
    expect(page.locator("#lead-contact")).to_contain_text("peter@initech.de")
    close = (timezone.localdate() + timedelta(days=45)).isoformat()
    page.get_by_label("Expected to close on").fill(close)
    shot("leads-portal-accepted")
    page.get_by_role("button", name="Convert to a registration").click()
    page.wait_for_load_state("networkidle")
    lead = Lead.objects.get(domain="initech.de")
    assert lead.status == Status.CONVERTED and lead.registration_id

    sign_in(page, live_server, bob, "/leads/?status=converted")
    expect(page.get_by_role("link", name="Initech AG")).to_be_visible()
    shot("leads-board-converted")
