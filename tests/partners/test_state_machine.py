"""Random sequences of transitions keep the history complete and consistent with the stage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.core.errors import ConditionsUnmet, InvalidInput, TransitionNotAllowed
from apps.partners.models import Partner, Stage, Task
from apps.partners.services import partner_transition
from tests.factories import AgreementFactory, ManagerFactory, PartnerFactory
from tests.partners.test_transitions import SOURCES, TARGETS

pytestmark = pytest.mark.django_db


class Lifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.actor = ManagerFactory()
        self.partner = PartnerFactory(
            qualification_customer=5,
            qualification_credibility=5,
            qualification_capability=5,
            qualification_commitment=5,
        )
        AgreementFactory(partner=self.partner, status="active")
        self.stage = Stage.RECRUITMENT
        self.applied: list[tuple[str, str, str]] = []
        self.clock = timezone.now() - timedelta(days=1000)

    @rule(name=st.sampled_from(sorted(SOURCES)), reason=st.sampled_from(["", "a reason"]))
    def transition(self, name, reason):
        self.clock += timedelta(hours=1)
        partner = Partner.objects.get(pk=self.partner.pk)
        try:
            partner_transition(
                partner=partner, name=name, actor=self.actor, reason=reason, now=self.clock
            )
        except TransitionNotAllowed:
            assert self.stage not in SOURCES[name]
        except InvalidInput:
            assert name == "exit" and not reason
        except ConditionsUnmet:
            if name == "start_onboarding":  # an exit terminated the agreement
                assert not partner.agreements.filter(status="active").exists()
            else:
                assert name in ("complete_onboarding", "complete_expansion")
                assert Task.objects.filter(partner=partner, required=True, done=False).exists()
        else:
            assert self.stage in SOURCES[name]
            self.applied.append((name, self.stage, TARGETS[name]))
            self.stage = TARGETS[name]

    @rule()
    def sign_a_new_agreement(self):
        if not self.partner.agreements.filter(status="active").exists():
            AgreementFactory(partner=self.partner, status="active")

    @rule()
    def do_the_tasks(self):
        Task.objects.filter(partner=self.partner).update(done=True, done_at=self.clock)

    @invariant()
    def history_matches_the_stage(self):
        partner = Partner.objects.get(pk=self.partner.pk)
        assert partner.stage == self.stage
        assert partner.stage in Stage.values
        rows = list(partner.history.order_by("at", "id"))
        assert [(r.transition, r.from_stage, r.to_stage) for r in rows] == self.applied
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.to_stage == after.from_stage and before.at < after.at
        if rows:
            assert rows[0].from_stage == Stage.RECRUITMENT
            assert rows[-1].to_stage == partner.stage
            assert partner.stage_entered_at == rows[-1].at
        assert all(r.actor_id == self.actor.pk for r in rows)
        assert all(r.reason for r in rows if r.transition == "exit")


def test_it_keeps_history_consistent_under_random_transitions():
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
