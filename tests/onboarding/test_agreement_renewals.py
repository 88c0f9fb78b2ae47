"""agreement_renewals: reminders at 60 and 30 days, expiry, and auto-renewal for another term."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.agreements.models import Agreement
from apps.core import sweeps
from apps.core.formatting import format_date
from apps.notifications.models import Notification
from apps.partners.models import Stage
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory

pytestmark = pytest.mark.django_db
END = date(2027, 6, 30)


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def run(now: datetime) -> dict:
    return sweeps.run("agreement_renewals", now)


@pytest.fixture
def partner(bob):
    p = PartnerFactory(name="Initech", stage=Stage.GROWTH, manager=bob)
    PartnerUserFactory(partner=p, username="ingrid")
    return p


def active(partner, **kw) -> Agreement:
    return AgreementFactory(
        partner=partner, status="active", start_date=END - timedelta(days=365), end_date=END, **kw
    )


def keys(username: str) -> list[str]:
    return sorted(
        n.key.rsplit(":u", 1)[0] for n in Notification.objects.filter(recipient__username=username)
    )


def test_it_reminds_at_60_and_30_days_once_each(partner):
    a = active(partner)
    run(at(END - timedelta(days=61)))
    assert Notification.objects.count() == 0
    for n in range(60, 0, -1):
        run(at(END - timedelta(days=n)))
        run(at(END - timedelta(days=n)))
    expected = [f"agreement-ends-30d:{a.pk}:{END}", f"agreement-ends-60d:{a.pk}:{END}"]
    assert keys("bob") == expected
    assert keys("ingrid") == expected  # it does not renew by itself: the partner hears too


def test_it_tells_only_the_manager_when_the_agreement_renews_by_itself(partner):
    active(partner, auto_renew=True)
    run(at(END - timedelta(days=30)))
    assert len(keys("bob")) == 1
    assert keys("ingrid") == []


def test_it_catches_up_a_missed_reminder(partner):
    a = active(partner)
    run(at(END - timedelta(days=45)))
    assert keys("bob") == [f"agreement-ends-60d:{a.pk}:{END}"]


def test_it_expires_an_agreement_past_its_end_date(partner):
    today = timezone.localdate()
    a = AgreementFactory(
        partner=partner,
        status="active",
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=1),
    )
    result = run(timezone.now())
    assert result["expired"] == 1
    a.refresh_from_db()
    assert a.status == "expired"
    assert run(timezone.now())["expired"] == 0
    assert keys("bob") == [f"agreement_expired:{a.pk}:{a.end_date}"]


def test_it_renews_an_auto_renewing_agreement_for_another_term(partner):
    today = timezone.localdate()
    start, end = today - timedelta(days=366), today - timedelta(days=1)
    a = AgreementFactory(
        partner=partner, status="active", auto_renew=True, start_date=start, end_date=end
    )
    assert run(timezone.now())["renewed"] == 1
    a.refresh_from_db()
    assert a.status == "active"
    assert a.end_date == end + (end - start)
    assert run(timezone.now())["renewed"] == 0
    assert [n.subject for n in Notification.objects.filter(recipient__username="bob")] == [
        f"Initech: “{a.title}” renewed until {format_date(a.end_date)}"
    ]


def test_it_leaves_drafts_and_terminated_agreements_alone(partner):
    today = timezone.localdate()
    for status in ("draft", "sent", "terminated", "expired"):
        AgreementFactory(
            partner=partner,
            status=status,
            start_date=today - timedelta(days=30),
            end_date=today - timedelta(days=1),
        )
    assert run(timezone.now()) == {
        "activated": 0,
        "reminders": 0,
        "renewed": 0,
        "expired": 0,
        "notifications": 0,
    }


@pytest.mark.parametrize("count", [10, 200])
def test_its_reminder_queries_do_not_grow_with_agreements(bob, count, django_assert_num_queries):
    """10 or 200 active agreements, the same 5 ending within the reminder window."""
    for i in range(count):
        p = PartnerFactory(stage=Stage.GROWTH, manager=bob)
        PartnerUserFactory(partner=p)
        a = active(p)
        if i >= 5:
            Agreement.objects.filter(pk=a.pk).update(end_date=END + timedelta(days=365))
    # program settings, signed agreements starting, agreements not planned yet, agreements due,
    # partner users, admins (one query since apps.accounts.audiences), each one's next due day
    # (one statement), the recipients' languages (each reads the reminder in their own), existing
    # keys, insert
    with django_assert_num_queries(10):
        result = run(at(END - timedelta(days=30)))
    assert result["reminders"] == 5
