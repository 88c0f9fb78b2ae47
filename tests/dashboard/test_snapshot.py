"""The page shows a stored snapshot of its figures; a write makes it stale, and a stale one is
shown at once — labelled as updating — while the worker computes the next (apps/dashboard/
snapshot.py). Here the worker's task runs in the test's process; test_snapshot_worker.py runs it
on a real worker through Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core import broker
from apps.dashboard import cache as dashboard_cache
from apps.dashboard.tasks import keep_warm, refresh
from tests.dashboard.test_views import approve_new_deal, populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(settings, monkeypatch):
    """Background refresh on, as in production; what the page sends the worker is recorded
    (the task then runs in this process, where the test says)."""
    settings.DASHBOARD_BACKGROUND_REFRESH = True
    settings.DASHBOARD_REFRESH_MIN_SECONDS = 0  # sent at once (the interval: its own test)
    sent = []

    def publish(task, *, args=(), countdown=None):
        sent.append((task.name, args))
        return True

    monkeypatch.setattr(broker, "publish", publish)
    return sent


def age_snapshot(seconds: float) -> dict:
    """Make the stored all-partners 90-day snapshot `seconds` older; the snapshot before."""
    old = dashboard_cache.read(90, None)
    aged = {**old, "at": old["at"] - timedelta(seconds=seconds)}
    dashboard_cache.cache.set("dashboard:snapshot:90:all", aged)
    return old


def test_it_shows_the_stale_snapshot_while_the_worker_refreshes_it(client_for, bob, published):
    populate(3, manager=bob)
    client = client_for(bob)
    first = client.get("/")
    assert first.context["updating"] is False  # nothing stored yet: computed in the page
    assert published == []

    approve_new_deal(bob)
    stale = client.get("/")
    assert stale.context["updating"] is True
    assert stale.context["money"]["pipeline"] == first.context["money"]["pipeline"]
    assert stale.context["now"] == first.context["now"]
    html = stale.content.decode()
    assert 'id="figures-updating"' in html and 'hx-trigger="every 2s"' in html
    assert published == [("dashboard.refresh", ("90", None))]

    # Another view while the refresh runs sends nothing more.
    client.get("/")
    assert len(published) == 1
    fresh_url = stale.context["fresh_url"]
    assert client.get(fresh_url).status_code == 204

    refresh(90, None)  # the worker's job
    reload = client.get(fresh_url)
    assert reload.status_code == 200 and reload["HX-Refresh"] == "true"
    after = client.get("/")
    assert after.context["updating"] is False
    assert after.context["money"]["pipeline"] - first.context["money"]["pipeline"] == 500000
    assert 'id="figures-updating"' not in after.content.decode()


def test_a_refresh_waits_until_the_snapshot_is_the_interval_old(
    client_for, bob, published, settings
):
    """Writes one after another: the page says the figures are being updated at once, but the
    worker is sent one refresh per DASHBOARD_REFRESH_MIN_SECONDS, by the polling page."""
    settings.DASHBOARD_REFRESH_MIN_SECONDS = 10
    populate(2, manager=bob)
    client = client_for(bob)
    first = client.get("/")
    approve_new_deal(bob)
    stale = client.get("/")
    assert stale.context["updating"] is True
    assert stale.context["now"] == first.context["now"]
    fresh_url = stale.context["fresh_url"]
    assert client.get(fresh_url).status_code == 204  # still polling
    approve_new_deal(bob, value="1000")
    assert client.get("/").context["updating"] is True
    assert published == []  # the snapshot is seconds old: its refresh waits

    age_snapshot(11)
    assert client.get(fresh_url).status_code == 204
    assert published == [("dashboard.refresh", ("90", None))]
    client.get("/")
    assert client.get(fresh_url).status_code == 204
    assert len(published) == 1  # one refresh for both writes
    refresh(90, None)
    assert client.get(fresh_url)["HX-Refresh"] == "true"
    after = client.get("/")
    assert after.context["updating"] is False
    assert after.context["money"]["pipeline"] - first.context["money"]["pipeline"] == 501000


def test_a_current_snapshot_is_shown_without_computing_a_figure(client_for, bob, published):
    # session, user, the generation and the snapshot (cache, not the database), the navigation
    # and bell: the same at 2 and at 27 partners, and no query on registrations at all.
    client = client_for(bob)
    populate(2, manager=bob)
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").context["updating"] is False
    populate(25, manager=bob)
    refresh(90, None)  # the worker's job after the writes
    with CaptureQueriesContext(connection) as large:
        page = client.get("/")
    assert page.context["updating"] is False
    assert page.context["funnel"]["total"] == 27
    assert len(large) == len(small)
    assert not any("deals_dealregistration" in q["sql"] for q in large.captured_queries)
    assert published == []


def test_each_manager_and_period_has_its_own_snapshot(client_for, alice, bob, published):
    populate(2, manager=bob)
    populate(1, manager=alice)
    client = client_for(bob)
    everyone = client.get("/").context["funnel"]["total"]
    mine = client.get("/?mine=1").context["funnel"]["total"]
    assert (everyone, mine) == (3, 2)
    assert client.get("/?mine=1&period=30").context["funnel"]["total"] == 2
    assert client_for(alice).get("/?mine=1").context["funnel"]["total"] == 1
    assert published == []


def test_a_lost_refresh_is_sent_again_by_the_polling_page(client_for, bob, published):
    populate(2, manager=bob)
    client = client_for(bob)
    client.get("/")
    approve_new_deal(bob)
    stale = client.get("/")
    assert len(published) == 1
    dashboard_cache.release(90, None)  # the worker died before it stored anything
    assert client.get(stale.context["fresh_url"]).status_code == 204
    assert len(published) == 2


def test_with_the_broker_down_the_page_computes_its_figures(
    client_for, bob, published, monkeypatch
):
    populate(2, manager=bob)
    client = client_for(bob)
    first = client.get("/")
    monkeypatch.setattr(broker, "publish", lambda task, **kw: False)
    approve_new_deal(bob, value="1000")
    page = client.get("/")
    assert page.context["updating"] is False
    assert page.context["money"]["pipeline"] - first.context["money"]["pipeline"] == 1000
    # the lock taken for the refresh that could not be sent is given back
    assert dashboard_cache.claim(90, None)


def test_a_snapshot_past_the_maximum_age_is_not_shown(client_for, bob, published, settings):
    populate(2, manager=bob)
    client = client_for(bob)
    client.get("/")
    old = age_snapshot(settings.DASHBOARD_STALE_MAX_SECONDS + 1)
    page = client.get("/")
    assert page.context["updating"] is False
    assert page.context["now"] > old["at"]
    assert published == []


def _age_all(seconds: float) -> None:
    """Every stored snapshot `seconds` older (a quiet spell), and their figures out of date."""
    for days, manager_pk in [(90, None), *dashboard_cache.viewed(timezone.now())]:
        kept = dashboard_cache.read(days, manager_pk)
        if kept is not None:
            aged = {**kept, "at": kept["at"] - timedelta(seconds=seconds)}
            dashboard_cache.cache.set(dashboard_cache._snapshot_key(days, manager_pk), aged)


def test_after_a_quiet_spell_the_kept_warm_snapshots_are_shown_at_once(
    client_for, bob, published, settings
):
    populate(3, manager=bob)
    client = client_for(bob)
    client.get("/?period=30&mine=1")  # looked at: kept warm from now on
    approve_new_deal(bob)
    _age_all(settings.DASHBOARD_STALE_MAX_SECONDS + 60)  # nobody looked for a while

    assert keep_warm() == {"refreshed": 2}  # the default view, and the one looked at

    for url, days, manager_pk in (("/", 90, None), ("/?period=30&mine=1", 30, bob.pk)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.context["updating"] is False
        assert page.context["money"]["pipeline"] > 0  # the approved deal is counted
        assert page.context["now"] == dashboard_cache.read(days, manager_pk)["at"]
        assert not any("deals_dealregistration" in q["sql"] for q in queries.captured_queries)
    assert published == []


def test_keep_warm_forgets_views_older_than_a_day_and_leaves_running_refreshes(
    client_for, bob, published
):
    populate(2, manager=bob)
    client_for(bob).get("/?mine=1&period=30")
    later = timezone.now() + timedelta(seconds=dashboard_cache.VIEWED_FOR + 1)
    assert dashboard_cache.viewed(timezone.now()) == [("30", bob.pk)]
    assert dashboard_cache.viewed(later) == []

    assert dashboard_cache.claim(90, None)  # a refresh of the default view is running
    assert keep_warm() == {"refreshed": 1}  # only the one looked at
    assert dashboard_cache.read(90, None) is None
    assert not dashboard_cache.claim(90, None)  # the running refresh still holds its lock
    assert dashboard_cache.claim(30, bob.pk)  # keep_warm gave its own back


def test_the_beat_keeps_snapshots_warm_within_the_maximum_age(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard:keep_warm"]
    assert entry["task"] == "dashboard.keep_warm"
    assert entry["schedule"] < settings.DASHBOARD_STALE_MAX_SECONDS
    settings.DASHBOARD_CACHE_SECONDS = 0  # snapshots off: nothing to keep warm
    assert keep_warm() == {"refreshed": 0}


def test_the_period_slides_on_after_the_fresh_time(client_for, bob, published, settings):
    populate(2, manager=bob)
    client = client_for(bob)
    client.get("/")
    age_snapshot(settings.DASHBOARD_CACHE_SECONDS + 1)
    assert client.get("/").context["updating"] is True
    assert published == [("dashboard.refresh", ("90", None))]


@pytest.mark.parametrize(
    "since",
    ["", "yesterday", "2024-02-30T10:00:00+00:00", "2026-01-01T10:00:00", "\x00", "9" * 500],
)
def test_the_fresh_check_reloads_on_a_moment_it_cannot_read(client_for, bob, published, since):
    response = client_for(bob).get(reverse("dashboard-fresh"), {"since": since, "period": "x"})
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_the_fresh_check_is_for_staff_only(client_for, charlie):
    response = client_for(charlie).get(reverse("dashboard-fresh"))
    assert response.status_code in (302, 403, 404)
    assert "HX-Refresh" not in response


def test_the_other_apps_parts_are_kept_in_the_snapshot_and_refreshed_by_their_writes(
    client_for, bob, acme, published
):
    """The return on funds, the lead response and the recruitment funnel are the program's
    figures: a current snapshot shows them without reading their tables, and a write they read
    (here a registration credited to a fund request) makes the snapshot stale."""
    from apps.funds.services.attribution import attribute
    from tests.funds.factories import allocation, request_in
    from tests.qbrs.factories import registration

    now = timezone.now()
    fund = request_in("approved", allocation(acme), amount="1000", manager=bob)
    won = registration(acme, status="won", value="4000", submitted_at=now, closed_at=now)
    client = client_for(bob)
    first = client.get("/")
    assert "0.00×" in first.content.decode()  # nothing credited yet
    with CaptureQueriesContext(connection) as current:
        again = client.get("/")
    assert again.context["updating"] is False
    read = " ".join(q["sql"] for q in current.captured_queries)
    assert not any(t in read for t in ("funds_", "leads_", "applications_")), read

    attribute("registration", won, fund.pk, partner_id=acme.pk, actor=bob)
    assert client.get("/").context["updating"] is True  # stale: the worker is asked
    refresh(90, None)
    html = client.get("/").content.decode()
    assert 'id="fund-returns"' in html and "4.00×" in html
