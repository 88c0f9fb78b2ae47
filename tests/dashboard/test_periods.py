"""The dashboard's periods: calendar quarters in the program's time zone, a validated custom range,
refusals of what the page does not offer, and which periods keep a snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.dashboard import cache as dashboard_cache
from apps.dashboard import periods
from apps.dashboard.charts import hbar, nice_ticks
from tests.dashboard.test_views import populate

# --- the periods themselves (no database) ----------------------------------------------------


def test_this_quarter_starts_at_local_midnight_in_the_program_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    # 31 Mar 2026 23:30 UTC is already 1 April in Berlin: the second quarter has begun.
    now = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    quarter = periods.resolve(periods.THIS_QUARTER, now)
    assert quarter.first_day == date(2026, 4, 1)
    assert quarter.window.start == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # CEST midnight
    assert quarter.window.end == now

    last = periods.resolve(periods.LAST_QUARTER, now)
    assert (last.first_day, last.last_day) == (date(2026, 1, 1), date(2026, 3, 31))
    assert last.window.start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # CET midnight
    # Up to the moment before this quarter began: its end and this quarter's start never meet.
    assert last.window.end == quarter.window.start - timedelta(microseconds=1)


def test_last_quarter_of_january_is_the_fourth_of_the_year_before(settings):
    settings.TIME_ZONE = "UTC"
    now = datetime(2027, 1, 10, 9, tzinfo=UTC)
    last = periods.resolve(periods.LAST_QUARTER, now)
    assert (last.first_day, last.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    ytd = periods.resolve(periods.YEAR_TO_DATE, now)
    assert ytd.window.start == datetime(2027, 1, 1, tzinfo=UTC) and ytd.window.end == now


def test_the_quarters_are_the_calendar_periods_of_each_quarter(settings):
    settings.TIME_ZONE = "UTC"
    now = datetime(2026, 5, 20, 8, tzinfo=UTC)
    shown = periods.quarters(now, 5)
    assert [periods.quarter_label(q.first_day) for q in shown] == [
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
        "2026 Q1",
        "2026 Q2",
    ]
    assert shown[-1].window == periods.resolve(periods.THIS_QUARTER, now).window
    assert shown[-2].window == periods.resolve(periods.LAST_QUARTER, now).window
    for before, after in zip(shown, shown[1:], strict=False):
        assert before.window.end < after.window.start  # no moment counted twice


def test_a_custom_range_covers_whole_days_and_ends_now_when_it_ends_today(settings):
    settings.TIME_ZONE = "UTC"
    now = datetime(2026, 5, 20, 8, tzinfo=UTC)
    past = periods.resolve(periods.CUSTOM, now, date(2026, 1, 5), date(2026, 1, 7))
    assert past.window.start == datetime(2026, 1, 5, tzinfo=UTC)
    assert past.window.end == datetime(2026, 1, 8, tzinfo=UTC) - timedelta(microseconds=1)
    assert not past.kept
    today = periods.resolve(periods.CUSTOM, now, date(2026, 5, 1), date(2026, 5, 20))
    assert today.window.end == now


def test_an_unknown_key_names_no_period():
    with pytest.raises(KeyError):
        periods.resolve("7", timezone.now())
    with pytest.raises(KeyError):
        periods.resolve(periods.CUSTOM, timezone.now())  # a custom range needs its days


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (13, [0, 5, 10, 15]),
        (3, [0, 1, 2, 3]),
        (1, [0, 1]),
        (0, [0, 1]),
        (100, [0, 25, 50, 75, 100]),
        (87, [0, 25, 50, 75, 100]),
        (7, [0, 2, 4, 6, 8]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_an_axis_runs_in_round_steps(largest, ticks):
    assert nice_ticks(largest) == ticks


def test_fractional_values_get_fractional_steps():
    assert nice_ticks(1.2, whole=False) == [0, 0.5, 1.0, 1.5]


def test_a_bar_chart_draws_its_ticks_and_scales_bars_to_the_top_tick():
    chart = hbar("c", "t", "d", [{"label": "a", "value": 13}, {"label": "b", "value": 5}])
    assert [t["text"] for t in chart["ticks"]] == ["0", "5", "10", "15"]
    # 13 of 15 on the axis, not the full width
    full = chart["ticks"][-1]["x"] - chart["ticks"][0]["x"]
    assert chart["rows"][0]["w"] == round(full * 13 / 15, 1)


# --- the page -----------------------------------------------------------------------------


@pytest.fixture
def manager_client(client_for, bob, db):
    django_cache.clear()
    return client_for(bob)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"period": "7"},
        {"period": "abc"},
        {"period": "-1"},
        {"period": "9" * 5000},
        {"period": "\x00"},
        {"period": ["30", "90"]},  # given twice: which would count?
        {"mine": "x"},
        {"mine": "9" * 5000},
        {"mine": ["1", "0"]},
        {"view": "nope"},
        {"period": "custom"},  # no days
        {"period": "custom", "from": "2026-01-01"},
        {"period": "custom", "from": "yesterday", "to": "today"},
        {"period": "custom", "from": "2026-02-30", "to": "2026-03-01"},
        {"period": "custom", "from": "2026-03-01", "to": "2026-02-01"},  # from after to
        {"period": "custom", "from": "2001-01-01", "to": "2006-01-01"},  # over three years
        {"period": "custom", "from": "1999-12-01", "to": "2000-01-02"},
        {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"},  # after today
        {"period": "custom", "from": "0001-01-01", "to": "0001-01-02"},
        {"period": "custom", "from": "9" * 5000, "to": "2026-01-01"},
    ],
)
def test_it_refuses_what_it_does_not_offer_beside_the_control(manager_client, params):
    response = manager_client.get("/", params)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html and 'role="alert"' in html
    assert "No figures are shown until these are corrected." in html
    assert "money" not in response.context and 'id="kpi-pipeline"' not in html  # no figures
    assert "9" * 100 not in html  # a huge value is not echoed back


@pytest.mark.django_db
def test_the_refusal_names_the_control_and_the_reason(manager_client):
    html = manager_client.get("/", {"period": "7"}).content.decode()
    assert "Period: Choose one of the periods offered." in html
    html = manager_client.get("/", {"mine": "x"}).content.decode()
    assert "My partners only: Give true or false (or 1 or 0)." in html
    html = manager_client.get(
        "/", {"period": "custom", "from": "2026-03-01", "to": "2026-02-01"}
    ).content.decode()
    assert "From: The first day comes after the last day." in html


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["30", "90", "365", "quarter", "last-quarter", "ytd"])
def test_each_named_period_shows_and_keeps_its_own_snapshot(manager_client, bob, key):
    populate(1, manager=bob)
    response = manager_client.get("/", {"period": key})
    assert response.status_code == 200
    assert response.context["period"].key == key
    assert f'value="{key}" selected' in response.content.decode()
    assert dashboard_cache.read(key, None) is not None


@pytest.mark.django_db
def test_a_custom_range_is_computed_in_the_request_and_never_kept(manager_client, bob, settings):
    populate(1, manager=bob)
    today = timezone.localdate()
    params = {"period": "custom", "from": (today - timedelta(days=40)).isoformat()}
    params["to"] = (today - timedelta(days=10)).isoformat()
    for _ in range(2):
        response = manager_client.get("/", params)
        assert response.status_code == 200
        assert response.context["updating"] is False
    assert response.context["period"].first_day == today - timedelta(days=40)
    assert dashboard_cache.read("custom", None) is None
    assert dashboard_cache.viewed(timezone.now()) == []  # nothing for the beat to keep warm


@pytest.mark.django_db
def test_the_fresh_check_of_a_custom_range_reloads(manager_client):
    response = manager_client.get(
        reverse("dashboard-fresh"),
        {"period": "custom", "from": "2026-01-01", "to": "2026-01-31", "since": "x"},
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_the_quarter_over_quarter_view_keeps_its_own_snapshot(manager_client, bob):
    populate(1, manager=bob)
    response = manager_client.get("/", {"view": "quarters"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="quarters"' in html and 'id="qoq-winrate"' in html
    assert len(response.context["quarters"]["quarters"]) == periods.QUARTERS_SHOWN
    assert dashboard_cache.read(periods.QUARTERS, None) is not None
    # the default view's snapshot is not made to hold the quarters
    manager_client.get("/")
    assert "quarters" not in dashboard_cache.read("90", None)["figures"]


@pytest.mark.django_db
def test_the_quarter_over_quarter_page_costs_the_same_queries_at_2_and_27_partners(
    manager_client, bob, settings
):
    # session, user, the navigation and bell; program settings, the roll-ups by quarter, the
    # won value by quarter, today's rates, the pipeline approved by quarter — computed here
    settings.DASHBOARD_CACHE_SECONDS = 0
    populate(2, manager=bob)
    manager_client.get("/", {"view": "quarters"})  # warm what is not per request
    with CaptureQueriesContext(connection) as small:
        assert manager_client.get("/", {"view": "quarters"}).status_code == 200
    populate(25, manager=bob)
    with CaptureQueriesContext(connection) as large:
        page = manager_client.get("/", {"view": "quarters"})
    assert page.status_code == 200
    assert len(large) == len(small), [q["sql"][:100] for q in large.captured_queries]
    # populate's five registrations per partner, all submitted in the last 20 days
    assert sum(q["submitted"] for q in page.context["quarters"]["quarters"]) == 27 * 5


@pytest.mark.django_db
def test_a_refused_period_is_not_shown_as_another_one(manager_client):
    html = manager_client.get("/", {"period": "7"}).content.decode()
    assert '<option value="" selected disabled>Choose a period</option>' in html
    assert "selected>Last" not in html
    # a period offered stays selected when another control is refused
    html = manager_client.get("/", {"period": "ytd", "mine": "x"}).content.decode()
    assert '<option value="ytd" selected>' in html
