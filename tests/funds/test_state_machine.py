"""Random sequences of allocations, requests, approvals, claims, payments, cancellations and
expiries: the balances always equal the sums of the ledger's movements, committed never passes
allocated, and each request's movements add up to what its status holds."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.core.errors import DomainError, InvalidInput
from apps.funds.models import FundAllocation, FundFile, FundRequest, Status
from apps.funds.selectors import ledger_balances
from apps.funds.services import fund_file_add, fund_request_create, fund_request_transition
from apps.partners.models import Stage
from tests.factories import ManagerFactory, PartnerFactory

from .factories import REQUEST, allocation, member, pdf, period

pytestmark = pytest.mark.django_db

NUMBERS = itertools.count()
AMOUNTS = st.integers(min_value=1, max_value=60).map(lambda n: Decimal(n * 100))
STAFF = ("approve", "reject", "return", "approve_claim", "reject_claim", "pay")
PARTNER = ("submit", "claim", "cancel")


class Ledger(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.period = period("1000000.00", name=f"P{next(NUMBERS)}")
        self.manager = ManagerFactory()
        self.allocations: list[FundAllocation] = []
        self.members: dict[int, object] = {}
        self.requests: list[FundRequest] = []

    @rule(amount=AMOUNTS)
    def allocate(self, amount):
        partner = PartnerFactory(stage=Stage.GROWTH, manager=self.manager)
        alloc = allocation(partner, str(amount), of=self.period)
        self.allocations.append(alloc)
        self.members[partner.pk] = member(partner)

    @rule(data=st.data(), amount=AMOUNTS)
    def request(self, data, amount):
        if not self.allocations:
            return
        alloc = data.draw(st.sampled_from(self.allocations))
        r = fund_request_create(
            allocation=alloc,
            actor=self.members[alloc.partner_id],
            data={**REQUEST, "requested_amount": amount},
            submit=data.draw(st.booleans()),
        )
        self.requests.append(r)

    @rule(data=st.data(), name=st.sampled_from(STAFF + PARTNER + ("expire",)))
    def transition(self, data, name):
        if not self.requests:
            return
        r = FundRequest.objects.get(pk=data.draw(st.sampled_from(self.requests)).pk)
        actor = (
            None
            if name == "expire"
            else (self.members[r.partner_id] if name in PARTNER else self.manager)
        )
        amount = data.draw(AMOUNTS)
        inputs = {
            "approve": {"approved_amount": min(amount, r.requested_amount)},
            "reject": {"reason": "no"},
            "return": {"note": "change it"},
            "claim": {"actual_cost": amount},
            "approve_claim": {"amount": min(amount, r.approved_amount or amount)},
            "reject_claim": {"reason": "no"},
            "pay": {"reference": "R1", "paid_on": REQUEST["starts_on"]},
        }
        if name == "claim" and not r.files.exists():
            by = self.members[r.partner_id]
            if r.status in (Status.APPROVED, Status.CLAIM_RETURNED):
                fund_file_add(fund_request=r, kind=FundFile.Kind.INVOICE, upload=pdf(), actor=by)
                fund_file_add(fund_request=r, kind=FundFile.Kind.PROOF, upload=pdf(), actor=by)
        try:
            fund_request_transition(fund_request=r, name=name, actor=actor, **inputs.get(name, {}))
        except DomainError as exc:
            assert exc.code in ("transition_not_allowed", "insufficient_funds"), exc.detail
        except InvalidInput:
            pass

    @invariant()
    def balances_are_the_sums_of_the_movements(self):
        derived = ledger_balances([a.pk for a in self.allocations])
        for alloc in FundAllocation.objects.filter(pk__in=[a.pk for a in self.allocations]):
            assert derived[alloc.pk] == {
                "allocated": alloc.allocated,
                "committed": alloc.committed,
                "claimed": alloc.claimed,
                "paid": alloc.paid,
                "remaining": alloc.remaining,
            }
            assert alloc.allocated == alloc.amount
            assert Decimal("0") <= alloc.paid <= alloc.claimed <= alloc.committed <= alloc.allocated

    @invariant()
    def each_request_holds_what_its_status_says(self):
        for r in FundRequest.objects.filter(pk__in=[x.pk for x in self.requests]):
            moves = {"committed": Decimal(0), "released": Decimal(0), "claimed": Decimal(0),
                     "paid": Decimal(0)}  # fmt: skip
            for kind, amount in r.movements.values_list("kind", "amount"):
                moves[kind] += amount
            held = moves["committed"] - moves["released"]
            if r.status in (Status.APPROVED, Status.CLAIMED, Status.CLAIM_RETURNED):
                assert held == r.approved_amount and moves["claimed"] == 0
            elif r.status in (Status.CLAIM_APPROVED, Status.PAID):
                assert held == moves["claimed"] == r.claim_amount
                assert moves["paid"] == (r.claim_amount if r.status == Status.PAID else 0)
            else:
                assert held == 0 and moves["claimed"] == moves["paid"] == 0


def test_the_ledger_holds_under_random_sequences(db):
    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
