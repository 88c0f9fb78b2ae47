"""In the browser: a partner user checking customers faster than the "deal_hint" rate reads why
in the hint's place (htmx swaps the 429 fragment instead of dropping it)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_the_hint_says_when_checks_come_too_fast(page, live_server, charlie, rates):
    rates(deal_hint="1/minute")
    # Not the console_errors fixture: Chromium logs the refused request (429) as a console error.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(charlie.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{reverse('portal:deal_new')}")
    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()
    domain, hint = page.get_by_label("Customer domain or website"), page.locator("#domain-hint")
    domain.fill("initech.com")
    expect(hint).to_contain_text("no registration for this customer yet")
    domain.fill("initrode.com")
    expect(hint).to_contain_text("Too many requests")
    expect(hint).to_contain_text("Try again in")
