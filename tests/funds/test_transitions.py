"""Every transition from every state, who may run it, and what each does to the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError

from apps.accounts.models import PartnerRole
from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.funds.models import FundAllocation, FundRequest, Movement, Status
from apps.funds.selectors import ledger_balances
from apps.funds.services import fund_file_add, fund_request_transition
from tests.factories import AdminFactory, ManagerFactory

from .factories import allocation, member, pdf, request_in

pytestmark = pytest.mark.django_db

SOURCES = {
    "submit": {"draft", "returned"},
    "approve": {"submitted"},
    "reject": {"submitted"},
    "return": {"submitted", "claimed"},
    "claim": {"approved", "claim_returned"},
    "approve_claim": {"claimed"},
    "reject_claim": {"claimed"},
    "pay": {"claim_approved"},
    "cancel": {"draft", "submitted", "returned", "approved"},
    "expire": {"approved", "claim_returned"},
}
TARGET = {
    ("submit", "draft"): "submitted",
    ("submit", "returned"): "submitted",
    ("approve", "submitted"): "approved",
    ("reject", "submitted"): "rejected",
    ("return", "submitted"): "returned",
    ("return", "claimed"): "claim_returned",
    ("claim", "approved"): "claimed",
    ("claim", "claim_returned"): "claimed",
    ("approve_claim", "claimed"): "claim_approved",
    ("reject_claim", "claimed"): "claim_rejected",
    ("pay", "claim_approved"): "paid",
    ("cancel", "draft"): "cancelled",
    ("cancel", "submitted"): "cancelled",
    ("cancel", "returned"): "cancelled",
    ("cancel", "approved"): "cancelled",
    ("expire", "approved"): "expired",
    ("expire", "claim_returned"): "expired",
}
INPUT = {
    "approve": {"approved_amount": Decimal("3000.00")},
    "reject": {"reason": "No."},
    "return": {"note": "Change the dates."},
    "claim": {"actual_cost": Decimal("2800.00"), "leads_created": 12},
    "approve_claim": {"amount": Decimal("2500.00")},
    "reject_claim": {"reason": "Wrong invoice."},
    "pay": {"reference": "PAY-9", "paid_on": date(2027, 4, 1)},
}
PARTNER_SIDE = {"submit", "claim"}


def balances(alloc: FundAllocation) -> tuple:
    alloc.refresh_from_db()
    derived = ledger_balances([alloc.pk])[alloc.pk]
    columns = {
        "allocated": alloc.allocated,
        "committed": alloc.committed,
        "claimed": alloc.claimed,
        "paid": alloc.paid,
        "remaining": alloc.remaining,
    }
    assert columns == derived  # the balance row always equals the sum of the movements
    return alloc.committed, alloc.claimed, alloc.paid


@pytest.mark.parametrize("state", [s.value for s in Status])
@pytest.mark.parametrize("name", list(SOURCES))
def test_it_runs_each_transition_only_from_its_states(state, name, acme, bob):
    alloc = allocation(acme)
    by = member(acme)
    r = request_in(state, alloc, approved="3000.00", by=by, manager=bob)
    if name == "claim" and state in SOURCES["claim"] and not r.files.exists():
        fund_file_add(fund_request=r, kind="invoice", upload=pdf(), actor=by)
        fund_file_add(fund_request=r, kind="proof", upload=pdf("p.pdf"), actor=by)
    actor = None if name == "expire" else (by if name in PARTNER_SIDE else bob)
    before = balances(alloc)
    if state not in SOURCES[name]:
        with pytest.raises(DomainError) as refused:
            fund_request_transition(fund_request=r, name=name, actor=actor, **INPUT.get(name, {}))
        assert refused.value.code == "transition_not_allowed"
        assert FundRequest.objects.get(pk=r.pk).status == state
        assert balances(alloc) == before
        return
    fund_request_transition(fund_request=r, name=name, actor=actor, **INPUT.get(name, {}))
    r.refresh_from_db()
    assert r.status == TARGET[(name, state)]
    assert r.events.last().transition == name
    committed, claimed, paid = balances(alloc)
    expected = {
        "approve": (Decimal("3000.00"), Decimal("0"), Decimal("0")),
        "approve_claim": (Decimal("2500.00"), Decimal("2500.00"), Decimal("0")),
        # reject_claim, cancel and expire release the whole approved amount
        "reject_claim": (Decimal("0"), Decimal("0"), Decimal("0")),
        "expire": (Decimal("0"), Decimal("0"), Decimal("0")),
    }
    if name == "cancel":
        assert (committed, claimed, paid) == (0, 0, 0)
    elif name == "pay":
        assert (committed, claimed, paid) == (before[0], before[1], before[1])
        assert paid == Decimal("3000.00")  # the factory's claim approved in full
    elif name in expected:
        assert (committed, claimed, paid) == expected[name]
    else:
        assert (committed, claimed, paid) == before  # no money moves


ROLES = ["member", "finance", "partner_admin", "other_partner", "manager", "admin"]
MAY = {
    "submit": {"member", "partner_admin"},
    "claim": {"member", "partner_admin"},
    "cancel": {"member", "partner_admin", "manager", "admin"},
    "approve": {"manager", "admin"},
    "reject": {"manager", "admin"},
    "return": {"manager", "admin"},
    "approve_claim": {"manager", "admin"},
    "reject_claim": {"manager", "admin"},
    "pay": {"manager", "admin"},
    "expire": set(),  # the sweep only
}


def _user(role: str, acme, globex):
    return {
        "member": lambda: member(acme, PartnerRole.MEMBER),
        "finance": lambda: member(acme, PartnerRole.FINANCE),
        "partner_admin": lambda: member(acme, PartnerRole.ADMIN),
        "other_partner": lambda: member(globex, PartnerRole.ADMIN),
        "manager": ManagerFactory,
        "admin": AdminFactory,
    }[role]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MAY))
def test_it_lets_only_the_right_people_run_each_transition(name, role, acme, globex, bob):
    alloc = allocation(acme)
    state = sorted(SOURCES[name])[0]
    r = request_in(state, alloc, approved="3000.00", manager=bob)
    if name == "claim":
        owner = member(acme)
        fund_file_add(fund_request=r, kind="invoice", upload=pdf(), actor=owner)
        fund_file_add(fund_request=r, kind="proof", upload=pdf("p.pdf"), actor=owner)
    user = _user(role, acme, globex)
    if role in MAY[name]:
        fund_request_transition(fund_request=r, name=name, actor=user, **INPUT.get(name, {}))
        assert FundRequest.objects.get(pk=r.pk).status == TARGET[(name, state)]
    else:
        with pytest.raises(NotPermitted):
            fund_request_transition(fund_request=r, name=name, actor=user, **INPUT.get(name, {}))
        assert FundRequest.objects.get(pk=r.pk).status == state


def test_it_refuses_approving_more_than_requested_or_claiming_more_than_approved(acme, bob):
    alloc = allocation(acme)
    r = request_in("submitted", alloc, amount="4000.00", manager=bob)
    with pytest.raises(InvalidInput) as too_much:
        fund_request_transition(
            fund_request=r, name="approve", actor=bob, approved_amount=Decimal("4000.01")
        )
    assert "approved_amount" in too_much.value.errors
    r = request_in("claimed", alloc, amount="4000.00", approved="1500.00", manager=bob)
    with pytest.raises(InvalidInput) as over:
        fund_request_transition(
            fund_request=r, name="approve_claim", actor=bob, amount=Decimal("1500.01")
        )
    assert "amount" in over.value.errors


def test_it_refuses_an_approval_the_allocation_cannot_hold(acme, bob):
    alloc = allocation(acme, "5000.00")
    request_in("approved", alloc, amount="4000.00", manager=bob)
    r = request_in("submitted", alloc, amount="2000.00", manager=bob)
    with pytest.raises(DomainError) as refused:
        fund_request_transition(
            fund_request=r, name="approve", actor=bob, approved_amount=Decimal("2000.00")
        )
    assert refused.value.code == "insufficient_funds"
    assert "Not enough funds left" in refused.value.detail
    fund_request_transition(
        fund_request=r, name="approve", actor=bob, approved_amount=Decimal("1000.00")
    )
    assert balances(alloc)[0] == Decimal("5000.00")


def test_a_claim_needs_an_invoice_and_a_proof(acme, bob):
    alloc = allocation(acme)
    by = member(acme)
    r = request_in("approved", alloc, by=by, manager=bob)
    with pytest.raises(DomainError) as unmet:
        fund_request_transition(fund_request=r, name="claim", actor=by, actual_cost=Decimal("10"))
    assert unmet.value.code == "conditions_unmet"
    assert "An invoice is attached to the claim." in unmet.value.unmet


def test_the_database_refuses_to_change_or_delete_a_movement(acme):
    alloc = allocation(acme)
    movement = Movement.objects.get(allocation=alloc)
    for sql in (
        "UPDATE funds_movement SET amount = 1 WHERE id = %s",
        "DELETE FROM funds_movement WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [movement.pk])
    assert Movement.objects.get(pk=movement.pk).amount == Decimal("10000.00")


def test_the_database_refuses_a_commitment_past_the_allocation_whoever_writes_it(acme):
    alloc = allocation(acme, "100.00")
    with (
        pytest.raises(IntegrityError, match="fund_allocation_committed_within_allocated"),
        transaction.atomic(),
    ):
        Movement.objects.create(
            allocation=alloc, kind="committed", amount=Decimal("100.01"), currency="EUR"
        )
    assert balances(alloc)[0] == 0


def test_every_movement_is_in_the_audit_trail(acme, bob):
    alloc = allocation(acme)
    r = request_in("paid", alloc, approved="3000.00", manager=bob)
    kinds = list(r.movements.values_list("kind", flat=True))
    assert kinds == ["committed", "claimed", "paid"]  # claimed in full: nothing released
    audited = AuditEvent.objects.filter(
        object_type="funds.fundallocation", object_id=str(alloc.pk)
    ).values_list("action", flat=True)
    assert sorted(audited) == sorted(
        ["ledger_allocated", "ledger_committed", "ledger_claimed", "ledger_paid"]
    )
    # and every transition too (the audit app hears django-fsm): submit, approve, claim,
    # approve_claim, pay
    assert (
        AuditEvent.objects.filter(object_type="funds.fundrequest", object_id=str(r.pk)).count() == 5
    )
