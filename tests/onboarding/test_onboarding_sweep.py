"""onboarding_deadlines at every threshold, run twice, caught up, silent once a partner moved on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from apps.core import sweeps
from apps.notifications.models import Notification
from apps.partners.models import Stage
from tests.factories import AdminFactory, PartnerFactory, PartnerUserFactory, TaskFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

pytestmark = pytest.mark.django_db
DUE = date(2026, 12, 31)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def days_before(n: int) -> datetime:
    return at(DUE - timedelta(days=n))


@pytest.fixture
def onboarding(bob):
    partner = PartnerFactory(
        name="Initech", stage=Stage.ONBOARDING, manager=bob, onboarding_due_date=DUE
    )
    user = PartnerUserFactory(partner=partner, username="ingrid")
    return partner, user


def keys(user) -> list[str]:
    return sorted(n.key.rsplit(":u", 1)[0] for n in Notification.objects.filter(recipient=user))


def run(now: datetime) -> dict:
    return sweeps.run("onboarding_deadlines", now)


def test_it_sends_nothing_before_the_14_day_mark(onboarding, bob):
    run(days_before(15))
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("offset", [14, 7])
def test_it_reminds_manager_and_partner_users_at_each_mark_once(onboarding, bob, offset):
    partner, ingrid = onboarding
    assert run(days_before(offset))["due_soon"] == 1
    assert run(days_before(offset))["notifications"] == 0  # twice: nothing new
    expected = [f"onboarding-due-{offset}d:{partner.pk}:{DUE.isoformat()}"]
    assert keys(bob) == expected
    assert keys(ingrid) == expected
    subject = Notification.objects.get(recipient=ingrid).subject
    assert subject == f"Your onboarding is due in {offset} days"
    assert Notification.objects.get(recipient=bob).link == f"/partners/{partner.pk}/"


def test_it_sends_both_reminders_over_the_weeks_and_each_once(onboarding, bob):
    partner, _ = onboarding
    for n in range(20, -1, -1):  # an hourly-ish sweep over three weeks, all repeated
        run(days_before(n))
        run(days_before(n))
    assert keys(bob) == [
        f"onboarding-due-14d:{partner.pk}:{DUE.isoformat()}",
        f"onboarding-due-7d:{partner.pk}:{DUE.isoformat()}",
    ]


def test_it_catches_up_a_missed_14_day_reminder(onboarding, bob):
    partner, _ = onboarding
    run(days_before(10))  # the sweep did not run on the 14-day mark
    assert keys(bob) == [f"onboarding-due-14d:{partner.pk}:{DUE.isoformat()}"]


def test_it_sends_only_the_urgent_reminder_when_both_marks_were_missed(onboarding, bob):
    partner, _ = onboarding
    run(days_before(3))
    assert keys(bob) == [f"onboarding-due-7d:{partner.pk}:{DUE.isoformat()}"]


def test_it_alerts_manager_and_admins_the_day_after_the_due_date(onboarding, bob):
    partner, ingrid = onboarding
    AdminFactory(username="alice")
    run(at(DUE, 23))  # the due day itself is not overdue
    assert not Notification.objects.filter(kind="onboarding_overdue").exists()
    assert run(at(DUE + timedelta(days=1)))["overdue"] == 1
    run(at(DUE + timedelta(days=2)))
    overdue = Notification.objects.filter(kind="onboarding_overdue")
    assert sorted(n.recipient.username for n in overdue) == ["alice", "bob"]
    assert not overdue.filter(recipient=ingrid).exists()


def test_it_uses_the_program_offsets(onboarding, bob):
    from apps.program.models import ProgramSettings

    program = ProgramSettings.get()
    program.onboarding_reminder_days = [30]
    program.save()
    partner, _ = onboarding
    run(days_before(30))
    assert keys(bob) == [f"onboarding-due-30d:{partner.pk}:{DUE.isoformat()}"]


@pytest.mark.parametrize("moved_to", [Stage.GROWTH, Stage.EXITED])
def test_it_is_silent_about_a_partner_that_moved_on(bob, moved_to):
    PartnerFactory(stage=moved_to, manager=bob, onboarding_due_date=DUE)
    run(days_before(7))
    run(at(DUE + timedelta(days=3)))
    assert Notification.objects.count() == 0


def test_it_reminds_each_side_of_its_own_overdue_tasks(onboarding, bob):
    partner, ingrid = onboarding
    theirs = TaskFactory(
        partner=partner,
        owner_side="partner",
        title="Sales certification",
        due_date=date(2026, 12, 1),
    )
    ours = TaskFactory(
        partner=partner, owner_side="vendor", title="Kickoff call", due_date=date(2026, 12, 1)
    )
    TaskFactory(
        partner=partner,
        owner_side="partner",
        title="Done already",
        done=True,
        due_date=date(2026, 12, 1),
    )
    TaskFactory(
        partner=partner, owner_side="partner", title="Not yet due", due_date=date(2026, 12, 10)
    )
    run(at(date(2026, 12, 1)))  # due today: not overdue yet
    assert not Notification.objects.filter(kind="task_overdue").exists()
    assert run(at(date(2026, 12, 2)))["overdue_tasks"] == 2
    run(at(date(2026, 12, 3)))
    assert keys(ingrid) == [f"task-overdue:{theirs.pk}:2026-12-01"]
    assert [k for k in keys(bob) if k.startswith("task")] == [f"task-overdue:{ours.pk}:2026-12-01"]
    assert Notification.objects.get(recipient=ingrid).link == "/portal/tasks/"


def test_it_ignores_tasks_of_an_earlier_visit_of_onboarding(onboarding, bob):
    partner, _ = onboarding
    TaskFactory(
        partner=partner,
        owner_side="vendor",
        due_date=date(2026, 12, 1),
        stage_visit=partner.stage_entered_at - timedelta(days=400),
    )
    run(at(date(2026, 12, 5)))
    assert not Notification.objects.filter(kind="task_overdue").exists()


def test_it_marks_overdue_partners_at_risk_until_they_move_on(onboarding):
    from apps.onboarding.selectors import onboarding_partners

    partner, _ = onboarding
    assert not onboarding_partners(DUE).get(pk=partner.pk).at_risk
    assert onboarding_partners(DUE + timedelta(days=1)).get(pk=partner.pk).at_risk


@pytest.mark.parametrize("count", [10, 200])
def test_its_query_count_does_not_grow_with_partners(bob, count, django_assert_num_queries):
    """10 or 200 partners in onboarding, the same 5 of them due: the same queries."""
    AdminFactory()
    far = DUE + timedelta(days=60)
    for i in range(count):
        due = DUE if i < 5 else far
        p = PartnerFactory(stage=Stage.ONBOARDING, manager=bob, onboarding_due_date=due)
        PartnerUserFactory(partner=p)
        TaskFactory(
            partner=p,
            owner_side="partner" if i % 2 else "vendor",
            due_date=date(2026, 12, 1) if i < 5 else far,
        )
    PartnerFactory.create_batch(5, stage=Stage.GROWTH, onboarding_due_date=DUE)
    # program settings, partners due, overdue tasks, partner users, admins (one query since
    # apps.accounts.audiences), the recipients' languages, existing keys, bulk insert, the
    # overdue tasks marked as told
    with django_assert_num_queries(9):
        result = run(days_before(7))
    assert result["due_soon"] == 5 and result["overdue_tasks"] == 5
    assert Notification.objects.count() == 5 * 2 + 5  # manager + user each; task owner


def test_a_repeat_pass_reads_none_of_the_partners_or_tasks_it_told(bob):
    late = [
        PartnerFactory(stage=Stage.ONBOARDING, manager=bob, onboarding_due_date=DUE)
        for _ in range(6)
    ]
    for partner in late:
        TaskFactory.create_batch(3, partner=partner, due_date=DUE - timedelta(days=3))
    PartnerFactory.create_batch(40, stage=Stage.GROWTH, manager=bob, onboarding_due_date=DUE)
    first = run(at(DUE + timedelta(days=2)))
    assert (first["overdue"], first["overdue_tasks"]) == (6, 18)
    result, scans = scans_of(
        lambda: run(at(DUE + timedelta(days=2), hour=15)), ("partners_partner", "partners_task")
    )
    assert result == {"due_soon": 0, "overdue": 0, "overdue_tasks": 0, "notifications": 0}
    # the partners due: through their index, none read; the tasks: the same (the join from the
    # tasks to their partners may touch a partner row before finding no task)
    assert [s.rows for s in scans if s.index == "partner_onboarding_due_idx"] == [0]
    assert_reads_nothing_handled(scans, {"partners_task": "task_overdue_due_idx"})
    # a new due date is told again
    late[0].onboarding_due_date = DUE + timedelta(days=1)
    late[0].save()
    assert run(at(DUE + timedelta(days=3)))["overdue"] == 1
