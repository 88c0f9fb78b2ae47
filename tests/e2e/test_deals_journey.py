"""Two partners register the same customer; the manager sees the conflict side by side and
approves the first; the first partner's portal shows the protection countdown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.deals.models import DealRegistration, Status
from apps.partners.models import Stage
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def globex(db, bob):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def login_to(page, live_server, console_errors):
    """Log in through the real form, arriving where `next` points (as from a link in a
    notification e-mail), so this journey does not depend on the dashboard."""
    from tests.factories import PASSWORD

    def do(user, next_url: str):
        page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")

    return do


def register(page, live_server, *, customer, domain, value):
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Register a deal").first.click()
    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()
    page.get_by_role("textbox", name="Customer", exact=True).fill(customer)
    page.get_by_label("Customer domain or website").fill(domain)
    hint = page.locator("#domain-hint")
    expect(hint).not_to_be_empty()
    page.get_by_label("Customer's country").select_option("US")
    page.get_by_label("Customer contact").fill("Bill Lumbergh")
    page.get_by_label("Contact's e-mail address").fill("bill@initech.com")
    page.get_by_label("Product or solution").fill("Analytics suite")
    page.get_by_label("Estimated deal value").fill(value)
    page.get_by_label("Currency").select_option("USD")
    close = (timezone.localdate() + timedelta(days=45)).isoformat()
    page.get_by_label("Expected to close on").fill(close)
    page.get_by_label("Description").fill("Replacing their reporting stack.")
    return hint


def test_a_conflict_is_seen_by_the_manager_only_and_approval_protects_the_first(
    page, live_server, login, login_to, shot, charlie, dave, bob
):
    # 1. Charlie (Acme) registers Initech; the hint says nobody has it yet.
    login(charlie)
    hint = register(
        page,
        live_server,
        customer="Initech LLC",
        domain="https://www.Initech.com/about",
        value="120000",
    )
    expect(hint).to_contain_text("no registration for this customer yet")
    expect(hint).to_contain_text("initech.com")
    shot("deals-1-partner-registers")
    page.get_by_role("button", name="Submit registration").click()
    expect(page.get_by_role("heading", name=re.compile("Initech LLC"))).to_be_visible()
    expect(page.get_by_text("Registration submitted")).to_be_visible()
    first = DealRegistration.objects.get(partner__name="Acme Resellers")
    assert first.customer_domain == "initech.com"

    # 2. Dave (Globex) registers the same customer: told "already registered", never by whom.
    page.context.clear_cookies()
    login(dave)
    hint = register(
        page, live_server, customer="Initech Corporation", domain="initech.com", value="90000"
    )
    expect(hint).to_contain_text("already registered")
    shot("deals-2-second-partner-hint")
    page.get_by_role("button", name="Submit registration").click()
    expect(page.get_by_text("This customer is already registered or protected")).to_be_visible()
    body = page.content()
    assert "Acme" not in body and "120,000" not in body and "Initech LLC" not in body
    shot("deals-3-second-partner-detail")

    # 3. Bob sees the conflict in the queue and side by side, and approves Acme's in place.
    page.context.clear_cookies()
    login_to(bob, "/registrations/")
    expect(page.get_by_role("heading", name="Deal registrations")).to_be_visible()
    expect(page.locator(".conflict-marker")).to_have_count(2)
    shot("deals-4-review-queue")
    # A row's partner narrows the queue to that partner; the chip widens it again.
    page.locator("table.queue").get_by_role("link", name="Globex Integrators").click()
    expect(page.locator("#partner-chip")).to_contain_text("Globex Integrators")
    expect(page.locator(".conflict-marker")).to_have_count(1)
    shot("deals-4b-review-queue-one-partner")
    page.get_by_role("link", name="Show every partner's registrations").click()
    expect(page.locator(".conflict-marker")).to_have_count(2)
    page.get_by_role("link", name="Initech LLC").click()
    expect(page.get_by_role("heading", name="Conflicts (1)")).to_be_visible()
    conflicts = page.locator(".conflicts")
    expect(conflicts).to_contain_text("Globex Integrators")
    expect(conflicts).to_contain_text("same domain")
    expect(conflicts).to_contain_text("similar name (100%)")
    shot("deals-5-conflict-side-by-side")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the customer is protected")).to_be_visible()
    expect(page.get_by_role("button", name="Extend protection")).to_be_visible()
    shot("deals-6-approved-in-place")
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    # the other one can no longer be approved while Acme holds the customer
    page.get_by_role("link", name="Initech Corporation").first.click()
    expect(page.get_by_text("approved registration protects this customer domain")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    # The partner's page lists its registrations (the deals section of partners:detail).
    page.goto(f"{live_server.url}/partners/{first.partner_id}/")
    section = page.locator(".deals-section")
    expect(section).to_contain_text("Initech LLC")
    expect(section).to_contain_text(re.compile(r"89 days left"))
    section.scroll_into_view_if_needed()
    shot("deals-6b-partner-page-section")

    # 4. Charlie's portal shows the protection countdown.
    page.context.clear_cookies()
    login(charlie)
    expect(page.get_by_text(re.compile(r"Protected until .*, 89 days left")).first).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My registrations").click()
    row = page.get_by_role("row", name=re.compile("Initech LLC"))
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text(re.compile(r"Protected until .*, 89 days left"))
    shot("deals-7-protection-countdown")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.locator(".deals-home")).to_contain_text(re.compile(r"89 days left"))
    shot("deals-8-portal-home")
