"""Random sequences of wins, payout batches written, approved, paid and cancelled: every accrual is
in at most one live batch, its status is its batch's (accrued in a draft or in none, approved in
an approved batch, paid in a paid one), a cancelled batch holds none, and each batch's totals are
the sums of its accruals."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.core.errors import DomainError
from apps.funds.models import BatchStatus, EarningAccrual, EarningStatus, PayoutBatch
from apps.funds.selectors import batch_totals
from apps.funds.services import earning_accrue, payout_batch_create, payout_batch_transition
from tests.factories import ManagerFactory

from .earnings_factories import earning_partner, won

pytestmark = pytest.mark.django_db

NUMBERS = itertools.count()
PERIODS = ("2026-10", "2026-11", "2026-Q4")
DAYS = st.sampled_from([date(2026, 10, 7), date(2026, 11, 3), date(2026, 11, 28)])
STATUS_IN = {
    BatchStatus.DRAFT: EarningStatus.ACCRUED,
    BatchStatus.APPROVED: EarningStatus.APPROVED,
    BatchStatus.PAID: EarningStatus.PAID,
}


class Payouts(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.manager = ManagerFactory()
        self.partner = earning_partner(f"Partner {next(NUMBERS)}", "3", manager=self.manager)
        self.accruals: list[int] = []
        self.batches: list[int] = []

    @rule(day=DAYS, value=st.integers(min_value=1, max_value=900).map(lambda n: Decimal(n * 10)))
    def win(self, day, value):
        registration = won(self.partner, str(value), manager=self.manager)
        earning_accrue(registration_id=registration.pk)
        accrual = EarningAccrual.objects.get(registration=registration)
        EarningAccrual.objects.filter(pk=accrual.pk).update(won_on=day)
        self.accruals.append(accrual.pk)

    @rule(period=st.sampled_from(PERIODS))
    def write(self, period):
        try:
            self.batches.append(payout_batch_create(period=period, actor=self.manager).pk)
        except DomainError as exc:
            assert exc.code == "conditions_unmet", exc.detail

    @rule(data=st.data(), name=st.sampled_from(["approve", "pay", "cancel"]))
    def transition(self, data, name):
        if not self.batches:
            return
        batch = PayoutBatch.objects.get(pk=data.draw(st.sampled_from(self.batches)))
        inputs = {"reference": "REB-1", "paid_on": date(2026, 12, 5)} if name == "pay" else {}
        try:
            payout_batch_transition(batch=batch, name=name, actor=self.manager, **inputs)
        except DomainError as exc:
            assert exc.code == "transition_not_allowed", exc.detail

    @invariant()
    def each_accrual_follows_its_batch(self):
        for a in EarningAccrual.objects.filter(pk__in=self.accruals).select_related("batch"):
            if a.batch is None:
                assert a.status == EarningStatus.ACCRUED
            else:
                assert a.batch.status != BatchStatus.CANCELLED
                assert a.status == STATUS_IN[a.batch.status]
                assert a.batch.starts_on <= a.won_on <= a.batch.ends_on

    @invariant()
    def each_batch_totals_its_accruals(self):
        totals = batch_totals(self.batches)
        for batch in PayoutBatch.objects.filter(pk__in=self.batches):
            summed: dict[str, Decimal] = {}
            for currency, amount in batch.accruals.values_list("currency", "amount"):
                summed[currency] = summed.get(currency, Decimal("0")) + amount
            assert totals.get(batch.pk, {}) == summed
            if batch.status == BatchStatus.CANCELLED:
                assert summed == {}


def test_payout_batches_hold_under_random_sequences(db):
    run_state_machine_as_test(
        Payouts,
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
