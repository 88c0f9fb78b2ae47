"""The whole path, real parts only: a write makes the dashboard stale; the page shows the stored
figures at once, labelled as updating; a real Celery worker computes the new snapshot through
Redis; the page notices and refreshes itself with the new figures."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from playwright.sync_api import expect

from partneros.celery import app as celery_app
from tests.dashboard.test_views import approve_new_deal, populate
from tests.worker import celery_worker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_the_dashboard_updates_itself_after_a_write(page, live_server, login, shot, bob, settings):
    settings.DASHBOARD_BACKGROUND_REFRESH = True
    cache.clear()
    queue = django_settings.CELERY_TASK_DEFAULT_QUEUE  # where the page publishes the refresh
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # nothing left over from another run
    populate(3, manager=bob)
    login(bob)
    before = page.locator("#kpi-pipeline").inner_text()
    expect(page.locator("#figures-updating")).to_have_count(0)

    approve_new_deal(bob, value="5000000")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#figures-updating")).to_be_visible()
    expect(page.locator("#kpi-pipeline")).to_have_text(before)  # the stored figures, at once
    shot("dashboard-updating")

    with celery_worker(queue):
        expect(page.locator("#figures-updating")).to_have_count(0, timeout=60_000)
    expect(page.locator("#kpi-pipeline")).not_to_have_text(before)
    after = _amount(page.locator("#kpi-pipeline").inner_text())
    assert after - _amount(before) == 5_000_000
    expect(page.locator("#money-by-partner")).to_contain_text("Fresh Pipeline Partner")
    shot("dashboard-updated")


def _amount(text: str) -> float:
    """ "$5,001,000.00" (the formatting layer's money, English) as a number."""
    return float(text.replace("$", "").replace(",", ""))
