from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory, TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_overview_puts_the_at_risk_partner_first(page, live_server, login, shot, bob):
    today = timezone.localdate()
    PartnerFactory(
        name="Comfortable Co",
        stage=Stage.ONBOARDING,
        manager=bob,
        onboarding_due_date=today + timedelta(days=50),
    )
    late = PartnerFactory(
        name="Stalled Systems",
        stage=Stage.ONBOARDING,
        manager=bob,
        onboarding_due_date=today - timedelta(days=4),
    )
    TaskFactory(partner=late, title="Kickoff call", owner_side="vendor", done=True)
    TaskFactory(partner=late, title="Sales certification", due_date=today - timedelta(days=2))
    login(bob)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    rows = page.get_by_test_id("onboarding-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Stalled Systems")
    expect(rows.first).to_contain_text("At risk")
    expect(rows.first).to_contain_text("4 days overdue")
    expect(rows.first).to_contain_text("1 / 2 required tasks")
    shot("onboarding-overview")
    rows.first.get_by_role("link", name="Stalled Systems").click()
    expect(page.get_by_role("heading", name="Onboarding At risk")).to_be_visible()
    shot("onboarding-partner-detail")


def test_the_portal_shows_the_checklist_with_what_is_overdue(page, live_server, login, shot):
    today = timezone.localdate()
    partner = PartnerFactory(
        name="Newcomer Networks",
        stage=Stage.ONBOARDING,
        onboarding_due_date=today + timedelta(days=20),
    )
    user = PartnerUserFactory(partner=partner, username="nina")
    TaskFactory(partner=partner, title="Portal access", done=True)
    TaskFactory(partner=partner, title="Product training", due_date=today - timedelta(days=3))
    TaskFactory(
        partner=partner, title="First deal registration", due_date=today + timedelta(days=10)
    )
    login(user)
    checklist = page.get_by_test_id("checklist-item")
    expect(checklist).to_have_count(3)
    expect(page.get_by_text("1 of 3 required steps done")).to_be_visible()
    expect(checklist.filter(has_text="Product training")).to_contain_text("overdue since")
    shot("portal-onboarding-checklist")


def test_the_portal_celebrates_a_completed_onboarding(page, live_server, login, shot):
    partner = PartnerFactory(
        name="Graduate Group",
        stage=Stage.GROWTH,
        onboarding_completed_at=timezone.now() - timedelta(days=2),
    )
    login(PartnerUserFactory(partner=partner, username="gina"))
    expect(page.get_by_test_id("onboarding-complete")).to_contain_text("Onboarding complete")
    shot("portal-onboarding-celebration")
