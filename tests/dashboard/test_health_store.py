"""The health scores kept per partner (apps/dashboard/health.py) say what scoring every partner
from the source rows says (metrics.health), whatever the writes and however the clock moves;
a refresh with nothing marked or due reads nothing else; each watched table marks its partner."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.dashboard import health, metrics
from apps.dashboard.metrics import common
from apps.dashboard.models import ALL_PARTNERS, HealthMark, PartnerHealth
from apps.deals.models import DealRegistration
from apps.enablement.models import Certification, ResourceOpen
from apps.leads.models import Assignment, Outcome
from apps.partners.models import Partner, Task
from apps.program.models import StageConfig
from apps.qbrs.models import QBR, ActionItem
from tests.dashboard.conftest import NOW
from tests.deals.factories import RegistrationFactory
from tests.enablement.factories import CourseFactory, ResourceFactory
from tests.factories import ManagerFactory, PartnerFactory, PartnerUserFactory, TaskFactory
from tests.leads.factories import LeadFactory
from tests.qbrs.factories import ActionItemFactory, QBRFactory
from tests.sweep_plans import _scans

pytestmark = pytest.mark.django_db

STAGES = ["onboarding", "growth", "evaluation", "expansion", "exited", "recruitment"]


def _figures(rows: list[dict]) -> list[tuple]:
    return [
        (
            r["partner"].pk,
            r["score"],
            tuple(p["points"] for p in r["parts"]),
            r["won_12m"],
            r["closed_12m"],
            r["last_score"],
            r["previous_score"],
            r["overdue_work"],
            r["leads_answered"],
            r["leads_lapsed"],
            r["certified_people"],
            r["days_since_registration"],
            r["days_in_stage"],
        )
        for r in rows
    ]


def _agree(now, manager=None) -> None:
    stored = health.lowest(now, manager, limit=50)["rows"]
    assert _figures(stored) == _figures(metrics.health(now, manager, limit=50)["rows"])


days = st.floats(min_value=0, max_value=400, allow_nan=False)
who = st.integers(0, 2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), who, days),
        st.tuples(st.just("close"), st.integers(0, 20), st.booleans(), days),
        st.tuples(st.just("task"), who, st.integers(-5, 5)),
        st.tuples(st.just("task_done"), st.integers(0, 20)),
        st.tuples(st.just("qbr"), who, st.integers(1, 10), days),
        st.tuples(st.just("item"), st.integers(0, 20), st.integers(-5, 5)),
        st.tuples(st.just("lead"), who, st.sampled_from(list(Outcome)), st.integers(0, 120)),
        st.tuples(st.just("certify"), who, st.integers(0, 400), st.integers(1, 400)),
        st.tuples(st.just("open"), who, st.integers(0, 120)),
        st.tuples(st.just("stage"), who, st.sampled_from(STAGES), days),
        st.tuples(st.just("target"), st.sampled_from(STAGES[:4]), st.integers(0, 60)),
        st.tuples(st.just("rename"), who, st.sampled_from(["Alpha", "Beta", "Gamma"])),
        st.tuples(
            st.just("tick"),
            st.one_of(
                st.floats(min_value=0, max_value=30, allow_nan=False),
                st.floats(min_value=0, max_value=24 * 45, allow_nan=False),
            ),
        ),
        st.tuples(st.just("check"), st.booleans()),
        st.tuples(st.just("check"), st.booleans()),
        st.tuples(st.just("delete_registration"), st.integers(0, 20)),
    ),
    max_size=30,
)


def _nth(model, n: int):
    rows = list(model.objects.order_by("pk"))
    return rows[n % len(rows)] if rows else None


def _run(op, partners, clock, manager):  # noqa: C901, PLR0912 — one branch per kind of write
    kind = op[0]
    today = timezone.localdate(clock)
    if kind == "register":
        RegistrationFactory(partner=partners[op[1]], submitted_at=clock - timedelta(days=op[2]))
    elif kind == "close" and (reg := _nth(DealRegistration, op[1])):
        DealRegistration.objects.filter(pk=reg.pk).update(
            status="won" if op[2] else "lost", closed_at=clock - timedelta(days=op[3])
        )
    elif kind == "task":
        p = Partner.objects.get(pk=partners[op[1]].pk)
        TaskFactory(partner=p, due_date=today + timedelta(days=op[2]))
    elif kind == "task_done" and (task := _nth(Task, op[1])):
        task.done = True
        task.save()
    elif kind == "qbr":
        QBRFactory(
            partner=partners[op[1]],
            status="completed",
            outcome="continue",
            satisfaction_score=op[2],
            scheduled_for=clock - timedelta(days=op[3]),
            completed_at=clock - timedelta(days=op[3]),
        )
    elif kind == "item" and (qbr := _nth(QBR, op[1])):
        ActionItemFactory(qbr=qbr, due_date=today + timedelta(days=op[2]))
    elif kind == "lead":
        at = clock - timedelta(days=op[3])
        Assignment.objects.create(
            lead=LeadFactory(),
            partner=partners[op[1]],
            explanation="test",
            assigned_at=at,
            accept_by=at + timedelta(days=1),
            outcome=op[2],
            ended_at=None if op[2] == Outcome.PENDING else at + timedelta(hours=5),
        )
    elif kind == "certify":
        earned = clock - timedelta(days=op[2])
        Certification.objects.create(
            user=PartnerUserFactory(partner=partners[op[1]]),
            partner=partners[op[1]],
            course=CourseFactory(),
            earned_at=earned,
            expires_at=earned + timedelta(days=op[3]),
        )
    elif kind == "open":
        at = clock - timedelta(days=op[2])
        ResourceOpen.objects.create(
            resource=ResourceFactory(),
            user=PartnerUserFactory(partner=partners[op[1]]),
            partner=partners[op[1]],
            day=at.date(),
            opened_at=at,
        )
    elif kind == "stage":
        Partner.objects.filter(pk=partners[op[1]].pk).update(
            stage=op[2], stage_entered_at=clock - timedelta(days=op[3])
        )
    elif kind == "target":
        StageConfig.objects.update_or_create(stage=op[1], defaults={"target_days": op[2]})
    elif kind == "rename":
        Partner.objects.filter(pk=partners[op[1]].pk).update(name=f"{op[2]} {op[1]}")
    elif kind == "delete_registration" and (reg := _nth(DealRegistration, op[1])):
        reg.delete()
    elif kind == "check":
        _agree(clock, manager if op[1] else None)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_stored_scores_equal_scoring_from_the_source_rows_whatever_the_writes(
    django_db_blocker, monkeypatch, operations
):
    # No daily recheck: the due moments alone must catch every change the clock makes.
    monkeypatch.setattr(common, "RECHECK_DAYS", 100_000)
    with django_db_blocker.unblock(), transaction.atomic():
        manager = ManagerFactory()
        partners = [
            PartnerFactory(stage="growth", manager=manager if i else None, stage_entered_at=NOW)
            for i in range(3)
        ]
        clock = NOW
        _agree(clock)
        for op in operations:
            if op[0] == "tick":
                clock += timedelta(hours=op[1])
            else:
                _run(op, partners, clock, manager)
        _agree(clock)
        _agree(clock, manager)
        clock += timedelta(days=200)  # every window slides past what was written
        _agree(clock)
        transaction.set_rollback(True)


@pytest.fixture
def acme(db):
    return PartnerFactory(name="Acme Resellers", stage="growth")


def test_a_refresh_with_nothing_marked_or_due_reads_none_of_the_scores_it_keeps(acme):
    now = timezone.now()
    health.refresh(now)
    PartnerHealth.objects.bulk_create(  # a program's worth of scores, none due
        PartnerHealth(
            partner_id=10**9 + i,
            name=f"P{i}",
            **dict.fromkeys(("score", "activity", "wins", "satisfaction", "overdue"), 10),
            **dict.fromkeys(("stage_time", "leads", "enablement", "won", "lost", "work"), 0),
            **dict.fromkeys(("answered", "lapsed", "certified_people"), 0),
            computed_at=now,
            due_at=now + timedelta(hours=1 + i % 20),
        )
        for i in range(2000)
    )
    HealthMark.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert health.refresh(now) == 0
    (query,) = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    found: list = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboard_partnerhealth")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
        plan = cursor.fetchone()[0]
    _scans((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"], found)
    scores = [s for s in found if s.table == "dashboard_partnerhealth"]
    assert scores, found
    assert all(s.index == "dash_health_due_idx" and s.rows == 0 for s in scores), scores


def _marked() -> set[int]:
    return set(HealthMark.objects.values_list("partner_id", flat=True))


def test_each_watched_table_marks_the_partner_and_a_column_it_does_not_read_does_not(acme):
    health.refresh(timezone.now())
    assert _marked() == set()

    reg = RegistrationFactory(partner=acme)
    assert _marked() == {acme.pk}
    health.refresh(timezone.now())
    DealRegistration.objects.filter(pk=reg.pk).update(description="not read by the score")
    assert _marked() == set()  # a sweep's reminder mark, a note: nothing to recompute
    DealRegistration.objects.filter(pk=reg.pk).update(status="won", closed_at=timezone.now())
    assert _marked() == {acme.pk}
    health.refresh(timezone.now())

    qbr = QBRFactory(partner=acme)
    ActionItem.objects.all().delete()
    health.refresh(timezone.now())
    ActionItemFactory(qbr=qbr)
    assert _marked() == {acme.pk}
    health.refresh(timezone.now())

    StageConfig.objects.update_or_create(stage="growth", defaults={"target_days": 30})
    assert _marked() == {ALL_PARTNERS}
    assert health.refresh(timezone.now()) == 1  # one pass over every partner

    other = PartnerFactory(stage="growth")
    assert acme.pk not in _marked() and other.pk in _marked()


def test_a_partner_leaving_the_active_stages_loses_its_score(acme):
    health.refresh(timezone.now())
    assert PartnerHealth.objects.filter(partner_id=acme.pk).exists()
    Partner.objects.filter(pk=acme.pk).update(stage="exited")
    health.refresh(timezone.now())
    assert not PartnerHealth.objects.filter(partner_id=acme.pk).exists()


def test_an_earlier_moment_than_the_stored_scores_is_answered_from_the_source_rows(acme):
    later = timezone.now() + timedelta(days=3)
    health.refresh(later)
    RegistrationFactory(partner=acme, submitted_at=timezone.now() - timedelta(days=1))
    health.refresh(later)
    now = timezone.now()
    assert _figures(health.lowest(now)["rows"]) == _figures(metrics.health(now)["rows"])


def test_rebuild_rollups_scores_every_active_partner(acme):
    PartnerHealth.objects.all().delete()
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert PartnerHealth.objects.filter(partner_id=acme.pk).exists()
    assert not HealthMark.objects.exists()


def _past(clock, days):
    return clock - timedelta(days=days)


CLOCK_CASES = {
    # what is written (partner, clock) -> the signal the clock alone then changes
    "a task falls due": lambda p, c: TaskFactory(partner=p, due_date=timezone.localdate(c)),
    "an action item falls due": lambda p, c: ActionItemFactory(
        qbr=QBRFactory(partner=p), due_date=timezone.localdate(c) + timedelta(days=1)
    ),
    "the last registration ages past 30 days": lambda p, c: RegistrationFactory(
        partner=p, submitted_at=_past(c, 29)
    ),
    "the last registration ages past 90 days": lambda p, c: RegistrationFactory(
        partner=p, submitted_at=_past(c, 89)
    ),
    "a closing leaves the 12 months": lambda p, c: RegistrationFactory(
        partner=p, submitted_at=_past(c, 400), status="lost", closed_at=_past(c, 364)
    ),
    "a lead answer leaves the 90 days": lambda p, c: Assignment.objects.create(
        lead=LeadFactory(),
        partner=p,
        explanation="test",
        assigned_at=_past(c, 89),
        accept_by=_past(c, 88),
        outcome=Outcome.LAPSED,
        ended_at=_past(c, 88),
    ),
    "a certification ends": lambda p, c: Certification.objects.create(
        user=PartnerUserFactory(partner=p),
        partner=p,
        course=CourseFactory(),
        earned_at=_past(c, 300),
        expires_at=c + timedelta(days=1),
    ),
    "library use leaves the 90 days": lambda p, c: ResourceOpen.objects.create(
        resource=ResourceFactory(),
        user=PartnerUserFactory(partner=p),
        partner=p,
        day=_past(c, 89).date(),
        opened_at=_past(c, 89),
    ),
    "the stage target passes": lambda p, c: StageConfig.objects.update_or_create(
        stage="growth", defaults={"target_days": 3}
    ),
}


@pytest.mark.parametrize("case", CLOCK_CASES)
def test_the_clock_alone_makes_a_stored_score_due_when_its_signal_changes(monkeypatch, case):
    monkeypatch.setattr(common, "RECHECK_DAYS", 100_000)
    clock = timezone.now()
    p = PartnerFactory(stage="growth", stage_entered_at=clock)
    CLOCK_CASES[case](p, clock)
    before = health.lowest(clock)["rows"]
    later = clock + timedelta(days=5)
    after = health.lowest(later)["rows"]
    assert _figures(after) == _figures(metrics.health(later)["rows"])
    assert _figures(after)[0][1] != _figures(before)[0][1], "the case must change the score"
