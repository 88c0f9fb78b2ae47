from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.dashboard.test_views import populate
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PartnerFactory, TierFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_reads_the_dashboard_and_opens_a_bottleneck(page, live_server, login, shot, bob):
    populate(6, manager=bob, tier=TierFactory(name="Silver", rank=2))
    stuck = PartnerFactory(
        name="Stuck Systems",
        stage="evaluation",
        manager=bob,
        stage_entered_at=timezone.now() - timedelta(days=400),
    )
    login(bob)
    expect(page).to_have_url(f"{live_server.url}/")

    # A chart whose bars are links is a group (an image's parts are not operable).
    for role, chart in (
        ("group", "Partners per stage now"),
        ("group", "Median days in stage"),
        ("img", "Registrations per week"),
    ):
        expect(page.get_by_role(role, name=chart)).to_be_visible()
    expect(page.locator("svg[data-chart] rect")).not_to_have_count(0)
    expect(page.locator("#health tbody tr")).not_to_have_count(0)
    shot("dashboard-home")
    # the cards with charts, at full size, to read their axes
    for card in ("funnel-h", "stay-h", "regs-h"):
        page.locator(f"section[aria-labelledby={card}]").screenshot(
            path=str(SCREENSHOTS / f"dashboard-card-{card[:-2]}.png")
        )

    page.get_by_label("Period", exact=True).select_option("30")
    page.get_by_label("My partners only").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/?period=30&from=&to=&mine=1")
    expect(page.get_by_text("for the partners you manage")).to_be_visible()
    shot("dashboard-mine-30")

    page.get_by_label("Period", exact=True).select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/?period=quarter&from=&to=&mine=1")
    expect(page.locator("#figures-as-of")).to_contain_text("This quarter")
    # the axes run in round steps, not only 0 and the largest value
    expect(page.locator("svg[data-chart=chart-funnel] text.tick")).not_to_have_count(2)
    shot("dashboard-this-quarter")

    page.get_by_role("link", name="Quarter over quarter").click()
    expect(page.locator("#quarters thead th[data-quarter]")).to_have_count(5)
    expect(page.locator("#qoq-won")).to_contain_text("$")
    shot("dashboard-quarter-over-quarter")

    page.goto(f"{live_server.url}/?period=30&mine=1")
    page.locator("#bottlenecks").get_by_role("link", name="Stuck Systems").click()
    expect(page).to_have_url(f"{live_server.url}/partners/{stuck.pk}/")
    expect(page.get_by_role("heading", name="Stuck Systems")).to_be_visible()
    shot("dashboard-bottleneck-partner")
