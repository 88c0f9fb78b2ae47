"""The one writer of the funds ledger: a movement, its audit entry, and the refusal when the
database's balance constraints say the money is not there."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError
from apps.core.formatting import format_money

from ..models import FundAllocation, FundRequest, Movement

BALANCE_CONSTRAINTS = (
    "fund_allocation_committed_within_allocated",
    "fund_allocation_claimed_within_committed",
    "fund_allocation_paid_within_claimed",
)


class InsufficientFunds(DomainError):
    code = "insufficient_funds"


def insufficient(allocation: FundAllocation, amount: Decimal) -> InsufficientFunds:
    cur = allocation.currency
    return InsufficientFunds(
        _(
            "Not enough funds left: %(amount)s does not fit in what remains of this allocation "
            "(%(remaining)s). Approve a smaller amount or ask an admin to allocate more."
        )
        % {
            "amount": format_money(amount, cur),
            "remaining": format_money(allocation.remaining, cur),
        }
    )


def record(
    *,
    allocation: FundAllocation,
    kind: str,
    amount: Decimal,
    actor,
    now: datetime,
    request: FundRequest | None = None,
    note: str = "",
) -> Movement | None:
    """Append one movement; the database moves the allocation's balances with it (trigger) and
    refuses, by its CHECK constraints, a commitment past the allocation (InsufficientFunds)."""
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            movement = Movement.objects.create(
                allocation=allocation,
                request=request,
                kind=kind,
                amount=amount,
                currency=allocation.currency,
                at=now,
                actor=actor if getattr(actor, "pk", None) else None,
                note=note[:300],
            )
    except IntegrityError as exc:
        if any(name in str(exc) for name in BALANCE_CONSTRAINTS):
            allocation.refresh_from_db()
            raise insufficient(allocation, amount) from exc
        raise
    AuditEvent.objects.create(
        at=now,
        actor=movement.actor,
        action=f"ledger_{kind}",
        object_type="funds.fundallocation",
        object_id=str(allocation.pk),
        outcome=AuditEvent.Outcome.DONE,
        detail={
            "movement": movement.pk,
            "amount": str(amount),
            "currency": allocation.currency,
            "request": request.pk if request is not None else None,
        },
    )
    return movement
