"""The QBR status machine and what each outcome does to the partner's stage."""

from __future__ import annotations

import datetime

import pytest

from apps.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from apps.partners.models import Stage, StageHistory
from apps.partners.services import partner_transition
from apps.qbrs.models import QBR, Status
from apps.qbrs.services import qbr_schedule, qbr_transition
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)

# From each status, which transitions run and where they lead.
MACHINE = {
    Status.SCHEDULED: {"start": Status.IN_PROGRESS, "cancel": Status.CANCELLED},
    Status.IN_PROGRESS: {"complete": Status.COMPLETED, "cancel": Status.CANCELLED},
    Status.COMPLETED: {},
    Status.CANCELLED: {},
}
INPUT = {"complete": {"outcome": "continue"}}


def _qbr(status, stage=Stage.EVALUATION, **kw):
    partner = PartnerFactory(stage=stage)
    extra = {"outcome": "continue"} if status == Status.COMPLETED else {}
    return QBRFactory(partner=partner, status=status, **extra, **kw)


@pytest.mark.parametrize("status", list(MACHINE))
@pytest.mark.parametrize("name", ["start", "complete", "cancel"])
def test_it_runs_or_refuses_every_transition_from_every_state(bob, status, name):
    qbr = _qbr(status)
    target = MACHINE[status].get(name)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            qbr_transition(qbr=qbr, name=name, actor=bob, now=NOW, **INPUT.get(name, {}))
        qbr.refresh_from_db()
        assert qbr.status == status
    else:
        qbr_transition(qbr=qbr, name=name, actor=bob, now=NOW, **INPUT.get(name, {}))
        qbr.refresh_from_db()
        assert qbr.status == target


def test_it_refuses_an_unknown_transition(bob):
    qbr = _qbr(Status.SCHEDULED)
    with pytest.raises(TransitionNotAllowed):
        qbr_transition(qbr=qbr, name="archive", actor=bob, now=NOW)


def test_it_refuses_partner_users_every_transition(charlie):
    qbr = _qbr(Status.SCHEDULED)
    with pytest.raises(NotPermitted):
        qbr_transition(qbr=qbr, name="start", actor=charlie, now=NOW)
    qbr.refresh_from_db()
    assert qbr.status == Status.SCHEDULED


def test_it_moves_a_growth_partner_to_evaluation_on_start(bob):
    qbr = _qbr(Status.SCHEDULED, stage=Stage.GROWTH)
    qbr_transition(qbr=qbr, name="start", actor=bob, now=NOW)
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS
    assert qbr.started_at == NOW
    assert qbr.partner.stage == Stage.EVALUATION
    entry = StageHistory.objects.get(partner=qbr.partner)
    assert (entry.transition, entry.from_stage, entry.to_stage) == (
        "start_evaluation",
        "growth",
        "evaluation",
    )
    assert entry.via == f"QBR {qbr.quarter} #{qbr.pk}"
    assert entry.actor == bob and entry.at == NOW


@pytest.mark.parametrize(
    "outcome, stage, transition",
    [
        ("continue", Stage.GROWTH, "continue_growth"),
        ("expand", Stage.EXPANSION, "start_expansion"),
        ("exit", Stage.EXITED, "exit"),
    ],
)
def test_it_moves_the_partner_by_the_outcome(bob, outcome, stage, transition):
    qbr = _qbr(Status.IN_PROGRESS, stage=Stage.EVALUATION)
    qbr_transition(
        qbr=qbr,
        name="complete",
        actor=bob,
        now=NOW,
        outcome=outcome,
        satisfaction_score=8,
        reason="Strategy changed" if outcome == "exit" else "",
    )
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.COMPLETED
    assert qbr.outcome == outcome and qbr.satisfaction_score == 8 and qbr.completed_at == NOW
    assert qbr.partner.stage == stage
    entry = StageHistory.objects.get(partner=qbr.partner)
    assert entry.transition == transition
    assert entry.from_stage == "evaluation" and entry.to_stage == stage
    assert entry.via == f"QBR {qbr.quarter} #{qbr.pk}"
    if outcome == "exit":
        assert entry.reason == "Strategy changed"
    assert "moved from evaluation" in qbr.stage_effect


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_exit_without_a_reason_and_changes_nothing(bob, reason):
    qbr = _qbr(Status.IN_PROGRESS, stage=Stage.EVALUATION)
    with pytest.raises(InvalidInput) as caught:
        qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome="exit", reason=reason)
    assert "reason" in caught.value.errors
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS and qbr.outcome == "" and qbr.metrics == {}
    assert qbr.partner.stage == Stage.EVALUATION
    assert not StageHistory.objects.exists()


@pytest.mark.parametrize("outcome", ["", "maybe", None])
def test_it_requires_an_outcome_to_complete(bob, outcome):
    qbr = _qbr(Status.IN_PROGRESS)
    with pytest.raises(InvalidInput) as caught:
        qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome=outcome)
    assert "outcome" in caught.value.errors
    qbr.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS


@pytest.mark.parametrize("score", [0, 11, -1, "7", True])
def test_it_refuses_a_score_outside_one_to_ten(bob, score):
    qbr = _qbr(Status.IN_PROGRESS)
    with pytest.raises(InvalidInput):
        qbr_transition(
            qbr=qbr,
            name="complete",
            actor=bob,
            now=NOW,
            outcome="continue",
            satisfaction_score=score,
        )
    qbr.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS


@pytest.mark.parametrize("stage", [Stage.EXPANSION, Stage.ONBOARDING])
@pytest.mark.parametrize("outcome", ["continue", "expand"])
def test_it_records_the_outcome_without_a_stage_change_outside_the_loop(bob, stage, outcome):
    qbr = _qbr(Status.SCHEDULED, stage=stage)
    qbr_transition(qbr=qbr, name="start", actor=bob, now=NOW)
    qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome=outcome)
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.COMPLETED and qbr.outcome == outcome
    assert qbr.partner.stage == stage
    assert not StageHistory.objects.exists()
    assert f"is in {stage}" in qbr.stage_effect and "stays as it is" in qbr.stage_effect


def test_it_exits_a_partner_in_expansion_by_the_exit_outcome(bob):
    qbr = _qbr(Status.IN_PROGRESS, stage=Stage.EXPANSION)
    qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome="exit", reason="Merged")
    qbr.partner.refresh_from_db()
    assert qbr.partner.stage == Stage.EXITED


def test_it_leaves_the_stage_alone_on_cancel(bob):
    qbr = _qbr(Status.SCHEDULED, stage=Stage.GROWTH)
    qbr_transition(qbr=qbr, name="start", actor=bob, now=NOW)
    qbr_transition(qbr=qbr, name="cancel", actor=bob, now=NOW)
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.CANCELLED and qbr.cancelled_at == NOW
    assert qbr.partner.stage == Stage.EVALUATION
    assert StageHistory.objects.count() == 1


def test_it_cancels_open_qbrs_when_the_partner_exits(bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    done = QBRFactory(partner=partner, status=Status.COMPLETED, outcome="continue")
    open_qbr = QBRFactory(partner=partner)
    partner_transition(partner=partner, name="exit", actor=bob, reason="Closed down", now=NOW)
    open_qbr.refresh_from_db()
    done.refresh_from_db()
    assert open_qbr.status == Status.CANCELLED and open_qbr.cancelled_at == NOW
    assert done.status == Status.COMPLETED


def test_it_refuses_a_second_open_qbr_for_a_partner(bob):
    qbr = _qbr(Status.SCHEDULED, stage=Stage.GROWTH)
    from apps.core.errors import ConditionsUnmet

    with pytest.raises(ConditionsUnmet):
        qbr_schedule(partner=qbr.partner, scheduled_for=NOW, actor=bob)
    assert QBR.objects.count() == 1


def test_it_refuses_to_schedule_for_an_exited_partner(bob):
    from apps.core.errors import DomainError

    partner = PartnerFactory(stage=Stage.EXITED)
    with pytest.raises(DomainError) as caught:
        qbr_schedule(partner=partner, scheduled_for=NOW, actor=bob)
    assert caught.value.code == "partner_inactive"


def test_it_labels_the_quarter_in_the_project_time_zone(bob, settings):
    settings.TIME_ZONE = "America/New_York"
    partner = PartnerFactory(stage=Stage.GROWTH)
    # 03:00 UTC on 1 January is still 31 December in New York.
    qbr = qbr_schedule(
        partner=partner,
        scheduled_for=datetime.datetime(2027, 1, 1, 3, 0, tzinfo=datetime.UTC),
        actor=bob,
    )
    assert qbr.quarter == "2026-Q4"


def test_it_keeps_a_complete_history_through_many_loops(bob):
    from apps.qbrs.loop import loop_history

    partner = PartnerFactory(stage=Stage.GROWTH)
    start = datetime.datetime(2024, 1, 10, 10, 0, tzinfo=datetime.UTC)
    labels = []
    for i in range(12):
        at = start + datetime.timedelta(days=91 * i)
        qbr = qbr_schedule(partner=partner, scheduled_for=at, actor=bob)
        qbr_transition(qbr=qbr, name="start", actor=bob, now=at)
        qbr_transition(
            qbr=qbr,
            name="complete",
            actor=bob,
            now=at + datetime.timedelta(days=2),
            outcome="continue",
            satisfaction_score=1 + i % 10,
        )
        labels.append(qbr.label)
    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH
    history = list(StageHistory.objects.filter(partner=partner).order_by("at", "id"))
    assert len(history) == 24
    for i, entry in enumerate(history):
        assert entry.transition == ("start_evaluation" if i % 2 == 0 else "continue_growth")
        assert entry.via == labels[i // 2]
        if i:
            assert entry.from_stage == history[i - 1].to_stage
            assert entry.at >= history[i - 1].at
    assert QBR.objects.filter(partner=partner, status=Status.COMPLETED).count() == 12
    end = start + datetime.timedelta(days=91 * 11 + 2 + 30)
    loop = loop_history(partner, end)
    assert loop["cycles"] == 12
    growth, evaluation = loop["stages"]
    assert evaluation == {"stage": "evaluation", "visits": 12, "days": 24.0, "average_days": 2.0}
    # 11 stays of 89 days between QBRs, then 30 days since the last one.
    assert growth["visits"] == 12 and growth["days"] == 11 * 89 + 30


def test_it_lets_only_staff_schedule_edit_and_add_items(charlie, acme):
    from apps.qbrs.services import action_item_create, qbr_update

    qbr = QBRFactory(partner=acme)
    with pytest.raises(NotPermitted):
        qbr_update(qbr=qbr, actor=charlie, notes="mine")
    with pytest.raises(NotPermitted):
        action_item_create(qbr=qbr, actor=charlie, title="x", owner_side="partner")
    with pytest.raises(NotPermitted):
        qbr_schedule(partner=PartnerFactory(stage=Stage.GROWTH), scheduled_for=NOW, actor=charlie)
    qbr.refresh_from_db()
    assert qbr.notes == "" and not qbr.action_items.exists()


def test_it_rolls_back_the_completion_when_the_stage_change_fails(bob, monkeypatch):
    from apps.core.errors import ConditionsUnmet
    from apps.qbrs import services

    qbr = _qbr(Status.IN_PROGRESS, stage=Stage.EVALUATION)

    def refuse(**kwargs):
        raise ConditionsUnmet("The lifecycle refused.", unmet=["refused"])

    monkeypatch.setattr(services, "partner_transition", refuse)
    with pytest.raises(ConditionsUnmet):
        qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome="expand")
    qbr.refresh_from_db()
    qbr.partner.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS and qbr.outcome == "" and qbr.metrics == {}
    assert qbr.completed_at is None and qbr.partner.stage == Stage.EVALUATION


def test_it_tells_the_partner_users_their_summary_is_ready(bob, charlie, dave, acme):
    from apps.notifications.models import Notification

    qbr = QBRFactory(partner=acme)
    qbr_transition(qbr=qbr, name="start", actor=bob, now=NOW)
    assert not Notification.objects.filter(kind="qbr_completed").exists()
    qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome="continue")
    sent = Notification.objects.get(kind="qbr_completed")
    assert sent.recipient == charlie and sent.link == f"/portal/qbrs/{qbr.pk}/"
    assert qbr.quarter in sent.subject and "Acme" not in sent.subject
