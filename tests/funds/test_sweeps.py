"""fund_review_sla and fund_claim_deadlines at their thresholds, run twice, and caught up."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.sweeps import run
from apps.funds.models import FundRequest, Status
from apps.notifications.models import Notification
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

from .factories import allocation, member, request_in

pytestmark = pytest.mark.django_db


def kinds(user, *of: str):
    qs = Notification.objects.filter(recipient=user)
    if of:
        qs = qs.filter(kind__in=of)
    return sorted(qs.values_list("kind", flat=True))


SLA = ("fund_review_sla", "fund_review_escalated")


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_the_review_sla_reminds_the_manager_then_escalates_once_each(alice, bob, acme):
    r = request_in("submitted", allocation(acme), manager=bob)
    t0 = r.waiting_since
    assert run("fund_review_sla", t0 + timedelta(hours=48) - timedelta(seconds=1)) == {
        "reminded": 0, "escalated": 0,
    }  # fmt: skip
    assert run("fund_review_sla", t0 + timedelta(hours=48)) == {"reminded": 1, "escalated": 0}
    assert run("fund_review_sla", t0 + timedelta(hours=49)) == {"reminded": 0, "escalated": 0}
    assert kinds(bob, *SLA) == ["fund_review_sla"]
    assert run("fund_review_sla", t0 + timedelta(hours=96)) == {"reminded": 0, "escalated": 1}
    assert run("fund_review_sla", t0 + timedelta(hours=200)) == {"reminded": 0, "escalated": 0}
    assert kinds(alice, *SLA) == ["fund_review_escalated"]


def test_a_claim_waits_on_its_own_clock(alice, bob, acme):
    r = request_in("claimed", allocation(acme), manager=bob)
    # caught up at once: both notices, and never again
    assert run("fund_review_sla", r.waiting_since + timedelta(days=30)) == {
        "reminded": 1, "escalated": 1,
    }  # fmt: skip
    assert run("fund_review_sla", r.waiting_since + timedelta(days=30)) == {
        "reminded": 0, "escalated": 0,
    }  # fmt: skip
    assert "Claim" in Notification.objects.get(kind="fund_review_sla").subject


def test_a_repeat_sla_pass_reads_nothing_it_handled(alice, bob, acme):
    alloc = allocation(acme)
    by = member(acme)
    waiting = [
        request_in("submitted", alloc, amount="100.00", by=by, manager=bob) for _ in range(3)
    ]
    late = max(r.waiting_since for r in waiting) + timedelta(hours=100)
    assert run("fund_review_sla", late) == {"reminded": 3, "escalated": 3}
    result, scans = scans_of(lambda: run("fund_review_sla", late), ("funds_fundrequest",))
    assert result == {"reminded": 0, "escalated": 0}
    assert_reads_nothing_handled(scans, {"funds_fundrequest": "fund_review_sla_idx"})


def test_claim_deadline_reminders_at_14_and_3_days_then_expiry_releases(acme, bob):
    due = timezone.localdate() + timedelta(days=40)
    alloc = allocation(acme, deadline=due)
    partner_user = member(acme)
    r = request_in("approved", alloc, approved="3000.00", by=partner_user, manager=bob)
    assert r.claim_due == due
    day = lambda n: at_noon(due - timedelta(days=n))  # noqa: E731
    assert run("fund_claim_deadlines", day(15)) == {"reminded": 0, "expired": 0}
    assert run("fund_claim_deadlines", day(14)) == {"reminded": 1, "expired": 0}
    assert run("fund_claim_deadlines", day(14)) == {"reminded": 0, "expired": 0}
    assert run("fund_claim_deadlines", day(4)) == {"reminded": 0, "expired": 0}
    assert run("fund_claim_deadlines", day(3)) == {"reminded": 1, "expired": 0}
    assert run("fund_claim_deadlines", day(1)) == {"reminded": 0, "expired": 0}
    assert kinds(partner_user) == ["fund_approve", "fund_claim_reminder", "fund_claim_reminder"]
    assert run("fund_claim_deadlines", day(0)) == {"reminded": 0, "expired": 0}  # due today
    assert run("fund_claim_deadlines", day(-1)) == {"reminded": 0, "expired": 1}
    assert run("fund_claim_deadlines", day(-1)) == {"reminded": 0, "expired": 0}
    r.refresh_from_db()
    alloc.refresh_from_db()
    assert r.status == Status.EXPIRED
    assert alloc.committed == Decimal("0.00")
    assert list(r.movements.values_list("kind", flat=True)) == ["committed", "released"]


def test_a_missed_14_day_mark_sends_only_the_3_day_reminder(acme, bob):
    due = timezone.localdate() + timedelta(days=40)
    r = request_in("approved", allocation(acme, deadline=due), manager=bob)
    assert run("fund_claim_deadlines", at_noon(due - timedelta(days=2))) == {
        "reminded": 1, "expired": 0,
    }  # fmt: skip
    assert FundRequest.objects.get(pk=r.pk).deadline_reminded == 3
    assert run("fund_claim_deadlines", at_noon(due - timedelta(days=1)))["reminded"] == 0


def test_a_repeat_deadline_pass_reads_none_it_reminded(acme, bob):
    due = timezone.localdate() + timedelta(days=40)
    alloc = allocation(acme, deadline=due)
    by = member(acme)
    for _ in range(3):
        request_in("approved", alloc, amount="100.00", by=by, manager=bob)
    now = at_noon(due - timedelta(days=10))
    assert run("fund_claim_deadlines", now)["reminded"] == 3
    result, scans = scans_of(lambda: run("fund_claim_deadlines", now), ("funds_fundrequest",))
    assert result == {"reminded": 0, "expired": 0}
    assert_reads_nothing_handled(scans, {"funds_fundrequest": None})  # remind or due index
