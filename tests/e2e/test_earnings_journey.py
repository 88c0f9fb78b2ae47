"""A registration is won: the partner's finance user sees the rebate accrued in "My earnings";
the manager previews, writes, approves and pays the month's payout batch; the finance user sees
it paid."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.funds.models import EarningAccrual, EarningStatus
from tests.funds.earnings_factories import earning_partner, user_of, won

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_finance_user_sees_earnings_accrued_then_paid(page, live_server, login, shot, bob):
    acme = earning_partner("Acme Resellers", "4", manager=bob)
    won(acme, "25000.00", currency="EUR", manager=bob)  # the won event accrues after commit
    fiona = user_of(acme, "finance")
    login(fiona)
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="My earnings").click()
    expect(page.get_by_role("heading", name="My earnings")).to_be_visible()
    expect(page.locator("#my-earnings")).to_contain_text("€1,000.00")
    expect(page.locator("#my-earnings")).to_contain_text("Accrued")
    shot("earnings-my-earnings-accrued")

    page.context.clear_cookies()
    login(bob)
    page.goto(f"{live_server.url}/funds/earnings/")
    expect(page.locator("#earnings-by-partner")).to_contain_text("Acme Resellers")
    shot("earnings-manager-list")
    page.get_by_role("link", name="Payout batches").click()
    page.get_by_role("link", name="New payout batch").click()
    page.get_by_label("Period").fill(f"{timezone.localdate():%Y-%m}")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#plan")).to_contain_text("Acme Resellers")
    shot("earnings-batch-preview")
    page.get_by_role("button", name="Write the batch (1 accrual)").click()
    page.get_by_role("button", name="Approve the batch").click()
    expect(page.locator("h1")).to_contain_text("Approved")
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()
    page.get_by_label("Payment reference").fill("REB-2026-001")
    shot("earnings-batch-approved")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator("h1")).to_contain_text("Paid")
    shot("earnings-batch-paid")

    page.context.clear_cookies()
    login(fiona)
    page.goto(f"{live_server.url}/portal/earnings/")
    expect(page.locator("#my-earnings")).to_contain_text("Paid")
    expect(page.locator("#my-earnings")).to_contain_text("REB-2026-001")
    shot("earnings-my-earnings-paid")
    assert EarningAccrual.objects.get().status == EarningStatus.PAID
