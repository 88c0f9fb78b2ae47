"""`make run`'s first morning: the demo seeded, then every sweep once as beat runs them on start.

What each demo user finds must read like a program that has been running: the back-filled history
was notified on its own day and read then, so no inbox holds the same notice twice, a stack of
unread ones, or notices of months ago; and every figure card of the dashboard has data."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.core import sweeps
from apps.dashboard import periods, snapshot
from apps.demo.accounts import LOGINS
from apps.notifications.models import Notification
from apps.partners.models import Stage

pytestmark = pytest.mark.django_db

UNREAD_AT_MOST = 15
OLDEST_DAYS = 30


def test_the_first_morning_reads_like_a_running_program(settings, tmp_path):
    """One seeding for both checks: it is the slow part."""
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    for name in sorted(sweeps.REGISTRY):  # beat's first tick runs each once
        sweeps.run(name, now)
    _inboxes(now)
    _dashboard(now)


def _inboxes(now) -> None:
    """Each demo user finds the inbox a running program leaves."""
    users = User.objects.filter(username__in=[login[1] for login in LOGINS])
    assert users.count() == len(LOGINS)
    oldest = (now - timedelta(days=OLDEST_DAYS)).date()
    for user in users:
        rows = list(Notification.objects.filter(recipient=user))
        twice = [s for s, n in Counter(r.subject for r in rows).items() if n > 1]
        assert not twice, (user.username, twice)
        unread = [r.subject for r in rows if r.read_at is None]
        assert len(unread) <= UNREAD_AT_MOST, (user.username, len(unread), unread)
        for row in rows:
            # The day a notice is about is in its key (a due date, a transition's moment).
            days = [date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", row.key)]
            assert all(day >= oldest for day in days), (user.username, row.subject, row.key)
            assert row.created_at.date() >= oldest, (user.username, row.subject)
    # The managers and the partner admins have something new to look at.
    for username in ("maria", "admin", "nora", "carl"):
        assert Notification.objects.filter(
            recipient__username=username, read_at__isnull=True
        ).exists(), username


def _dashboard(now) -> None:
    """Every figure card of the dashboard has data."""
    period = periods.resolve(periods.DEFAULT, now, None, None)
    figures = snapshot.figures(now, period, None)
    onboarding, regs, qbrs, money = (figures[k] for k in ("onboarding", "regs", "qbrs", "money"))
    assert onboarding["ramped"] and onboarding["ramp_median_days"]
    # A ramp a real program shows: weeks to months, not the years of a back-filled partner.
    assert onboarding["ramp_median_days"] < 180, onboarding
    assert onboarding["completed"] and onboarding["onboarding"] and onboarding["at_risk"]
    assert regs["reviewed"] and regs["review_median_hours"] and regs["waiting"]
    assert regs["breaches"] and regs["won"] and regs["win_rate"]
    assert money["pipeline"] and money["won"]
    assert qbrs["compliance"] and qbrs["overdue"]
    loops = next(
        s
        for s in figures["funnel"]["steps"]
        if (s["from"], s["to"]) == (Stage.EVALUATION, Stage.GROWTH)
    )
    assert loops["moved"], loops
    assert all(figures["funnel"]["counts"][s.value] for s in Stage)
    assert any(week["submitted"] for week in regs["weeks"])
