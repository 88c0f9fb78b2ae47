from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.partners.models import StageHistory
from tests.factories import PartnerFactory, TaskFactory, TierFactory
from tests.qbrs.factories import ActionItemFactory, QBRFactory, registration

pytestmark = pytest.mark.django_db


def approve_new_deal(manager, value: str = "500000") -> None:
    """A write that changes the money figures: a new partner's registration, approved now."""
    p = PartnerFactory(stage="growth", manager=manager, name="Fresh Pipeline Partner")
    now = timezone.now()
    registration(
        p,
        status="approved",
        submitted_at=now - timedelta(days=1),
        reviewed_at=now,
        approved_at=now,
        value=value,
    )


def populate(n: int, manager=None, tier=None) -> None:
    """n active partners with history, registrations of every kind, QBRs, tasks."""
    now = timezone.now()
    for i in range(n):
        p = PartnerFactory(
            stage="growth",
            manager=manager,
            tier=tier if i % 2 else None,
            stage_entered_at=now - timedelta(days=200 + i),
            onboarding_started_at=now - timedelta(days=300),
        )
        StageHistory.objects.create(
            partner=p,
            transition="start_onboarding",
            from_stage="recruitment",
            to_stage="onboarding",
            at=now - timedelta(days=300),
        )
        StageHistory.objects.create(
            partner=p,
            transition="complete_onboarding",
            from_stage="onboarding",
            to_stage="growth",
            at=now - timedelta(days=60),
        )
        day = timedelta(days=1)
        registration(p, submitted_at=now - 3 * day)
        registration(
            p,
            status="approved",
            submitted_at=now - 9 * day,
            reviewed_at=now - 8 * day,
            approved_at=now - 8 * day,
        )
        registration(
            p,
            status="won",
            submitted_at=now - 20 * day,
            approved_at=now - 19 * day,
            reviewed_at=now - 19 * day,
            closed_at=now - 2 * day,
        )
        registration(
            p,
            status="lost",
            submitted_at=now - 20 * day,
            approved_at=now - 19 * day,
            reviewed_at=now - 19 * day,
            closed_at=now - 2 * day,
            currency="EUR",
        )
        registration(p, status="rejected", submitted_at=now - 20 * day, reviewed_at=now - 19 * day)
        qbr = QBRFactory(
            partner=p,
            status="completed",
            outcome="continue",
            satisfaction_score=7,
            scheduled_for=now - 10 * day,
            completed_at=now - 10 * day,
        )
        ActionItemFactory(qbr=qbr, due_date=timezone.localdate() - day)
        TaskFactory(partner=p, due_date=timezone.localdate() - day)  # fmt: skip


def test_it_shows_the_dashboard_to_managers(client_for, bob):
    populate(3, manager=bob)
    response = client_for(bob).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Stage funnel", "Time in stage", "Onboarding", "Deal registrations",
                    "QBRs and the growth", "Partner health"):  # fmt: skip
        assert heading in html
    assert 'role="img"' in html and '<title id="chart-funnel-title">' in html
    # every bar of the funnel opens the list behind it
    assert f'href="{reverse("partners:list")}?stage=growth"' in html


def test_it_sends_partner_users_to_their_portal_and_anonymous_to_login(client_for, charlie, client):
    assert client_for(charlie).get("/").url == reverse("portal:home")
    assert client.get("/").url.startswith(reverse("login"))


def test_it_links_a_bottleneck_to_the_partner(client_for, alice):
    stuck = PartnerFactory(
        name="Stuck Ltd", stage="evaluation", stage_entered_at=timezone.now() - timedelta(days=400)
    )
    html = client_for(alice).get("/").content.decode()
    assert f'href="{reverse("partners:detail", args=[stuck.pk])}">Stuck Ltd</a>' in html


def test_it_narrows_to_my_partners_and_keeps_the_filter_in_links(client_for, bob, alice):
    PartnerFactory(
        name="Bobs Own",
        stage="evaluation",
        manager=bob,
        stage_entered_at=timezone.now() - timedelta(days=400),
    )
    PartnerFactory(
        name="Someone Elses",
        stage="evaluation",
        manager=alice,
        stage_entered_at=timezone.now() - timedelta(days=400),
    )
    html = client_for(bob).get("/?mine=1&period=30").content.decode()
    assert "Bobs Own" in html and "Someone Elses" not in html
    assert f"stage=growth&amp;manager={bob.pk}" in html
    assert 'value="30" selected' in html
    everyone = client_for(bob).get("/").content.decode()
    assert "Someone Elses" in everyone


def test_it_costs_the_same_queries_at_small_and_larger_data(client_for, bob, settings):
    # session, user; funnel 3 (per stage, entries with their outcome, partners created);
    # stage names 1 in the view and 1 each in time in stage, bottlenecks and health; time in
    # stage 1 (window functions + percentiles); bottlenecks 2 (rows, count); onboarding 2
    # (ramp percentiles, aggregate); registrations 8 (settings, 3 weekly counts, review
    # percentiles, waiting, reviewed, closed); money 5 (settings, today's rates, approved by
    # partner, won by partner, tiers); QBRs 5 (tiers, compliance, overdue, loops per partner,
    # their loops begun in the period); health 6 (the newest stored score, the partners marked
    # by a write or due, their scoring with the stage names, the lowest stored, the shown
    # partners with theirs);
    # the navigation and notification bell. Computed, not cached, here. Both measured views
    # follow a write, so both apply one (apps/dashboard/health.py).
    settings.DASHBOARD_CACHE_SECONDS = 0
    tier = TierFactory(name="Silver Test", rank=70)
    client = client_for(bob)
    populate(2, manager=bob, tier=tier)
    client.get("/")  # warm caches that are not per-request (e.g. the rates table check)
    populate(1, manager=bob, tier=tier)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    populate(25, manager=bob, tier=tier)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_it_caches_the_partner_rankings_until_a_write_changes_them(client_for, bob):
    populate(3, manager=bob)
    client = client_for(bob)
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/")
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/")
    # Money and health came from the cache the first render filled; the rest is computed.
    assert len(warm) < len(cold)
    assert again.context["money"] == first.context["money"]
    assert [r["score"] for r in again.context["health"]["rows"]] == [
        r["score"] for r in first.context["health"]["rows"]
    ]

    # A new approved registration changes the pipeline: the next page shows it at once.
    approve_new_deal(bob, value="987654")
    after = client.get("/").context
    assert after["money"]["pipeline"] - first.context["money"]["pipeline"] == 987654
    assert "Fresh Pipeline Partner" in [r["partner"].name for r in after["health"]["rows"]]


def test_it_states_the_review_times_error_beside_them(client_for, bob):
    p = PartnerFactory(stage="growth")
    now = timezone.now()
    registration(
        p,
        status="rejected",
        submitted_at=now - timedelta(days=3),
        reviewed_at=now - timedelta(days=2),
    )

    page = client_for(bob).get("/").content.decode()

    # reviewed after 24 h, in the one-hour bucket (23 h, 24 h]: the median is 23.5 h, within 1 h
    assert 'id="kpi-review"' in page and "23.5 h" in page
    assert "times read from a histogram: off by less than 1.0 h" in page


def test_a_german_dashboard_draws_its_charts_with_decimal_points(client_for, bob):
    """SVG coordinates are for the browser, not for people: a German page must not write
    `width="41,5"` (the bars vanished and the labels were cut to a letter)."""
    import re

    populate(3, manager=bob)
    bob.language = "de"
    bob.save(update_fields=["language"])
    html = client_for(bob).get("/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert svgs, "the dashboard draws charts"
    coordinates = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"', "".join(svgs))
    assert any("." in value for value in coordinates), "some coordinate is fractional"
    assert not [value for value in coordinates if "," in value]
