"""Random sequences of QBR actions keep the loop's invariants."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import ConcurrentChange, DomainError, InvalidInput
from apps.partners.models import ACTIVE_STAGES, Stage, StageHistory
from apps.qbrs.models import QBR, Status
from apps.qbrs.services import qbr_schedule, qbr_transition
from tests.factories import ManagerFactory, PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)

ACTIONS = st.lists(
    st.sampled_from(
        [
            ("schedule", None),
            ("start", None),
            ("cancel", None),
            ("complete", "continue"),
            ("complete", "expand"),
            ("complete", "exit"),
            ("complete", ""),
        ]
    ),
    max_size=25,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_it_keeps_history_consistent_whatever_the_sequence(actions):
    manager = ManagerFactory()
    partner = PartnerFactory(stage=Stage.GROWTH)
    now = START
    for name, outcome in actions:
        now += datetime.timedelta(days=10)
        open_qbr = partner.qbrs.filter(status__in=[Status.SCHEDULED, Status.IN_PROGRESS]).first()
        try:
            if name == "schedule":
                qbr_schedule(partner=partner, scheduled_for=now, actor=manager)
            elif open_qbr is not None:
                qbr_transition(
                    qbr=open_qbr,
                    name=name,
                    actor=manager,
                    now=now,
                    outcome=outcome or "",
                    reason="Ended" if outcome == "exit" else "",
                )
        except (DomainError, InvalidInput):
            pass
        partner.refresh_from_db()
        # Invariants: a valid stage; at most one open QBR; an exited partner has none open.
        assert partner.stage in Stage.values
        open_count = partner.qbrs.filter(status__in=[Status.SCHEDULED, Status.IN_PROGRESS]).count()
        assert open_count <= 1
        if partner.stage == Stage.EXITED:
            assert open_count == 0
        # Completed QBRs have an outcome and a frozen snapshot.
        for qbr in partner.qbrs.filter(status=Status.COMPLETED):
            assert qbr.outcome and qbr.metrics.get("quarter") == qbr.quarter
    history = list(StageHistory.objects.filter(partner=partner).order_by("at", "id"))
    stage = Stage.GROWTH
    for entry in history:
        assert entry.from_stage == stage
        assert (
            entry.via.startswith("QBR ")
            and QBR.objects.filter(partner=partner, pk=int(entry.via.split("#")[1])).exists()
        )
        stage = entry.to_stage
    assert stage == partner.stage
    assert partner.stage in (*ACTIVE_STAGES, Stage.EXITED)


def test_it_answers_409_when_two_people_run_one_qbr_at_once(bob):
    qbr = QBRFactory(partner=PartnerFactory(stage=Stage.GROWTH))
    mine, theirs = QBR.objects.get(pk=qbr.pk), QBR.objects.get(pk=qbr.pk)
    qbr_transition(qbr=mine, name="start", actor=bob, now=START)
    with pytest.raises(ConcurrentChange):
        qbr_transition(qbr=theirs, name="cancel", actor=bob, now=START)
    qbr.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS
    assert StageHistory.objects.count() == 1
