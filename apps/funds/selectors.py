"""Reads of the funds app, their joins decided once: what each user may see, the queues, the
period overview and an allocation's balances re-derived from its ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Count, DecimalField, QuerySet, Sum, When

from apps.core.access import READS_EARNINGS

from .models import (
    EarningAccrual,
    EarningStatus,
    FundAllocation,
    FundPeriod,
    FundRequest,
    Movement,
    PayoutBatch,
    Status,
)

ZERO = Decimal("0.00")


def periods() -> QuerySet[FundPeriod]:
    return FundPeriod.objects.order_by("-starts_on", "-id")


def allocations_for(user) -> QuerySet[FundAllocation]:
    qs = FundAllocation.objects.select_related("period", "partner")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def requests_for(user) -> QuerySet[FundRequest]:
    qs = FundRequest.objects.select_related("partner", "allocation", "allocation__period")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def queue(status: str) -> QuerySet[FundRequest]:
    """Requests (`submitted`) or claims (`claimed`) waiting for a manager, longest wait first."""
    return (
        FundRequest.objects.select_related("partner", "allocation")
        .filter(status=status)
        .order_by("waiting_since", "id")
    )


def ledger_balances(allocation_ids) -> dict[int, dict[str, Decimal]]:
    """The balances summed from the movements themselves (what the balance columns must equal)."""

    def total(*kinds: str):
        return Sum(
            Case(
                *[When(kind=k, then="amount") for k in kinds],
                default=0,
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )

    rows = (
        Movement.objects.filter(allocation_id__in=list(allocation_ids))
        .values("allocation_id")
        .annotate(
            allocated=total("allocated"),
            committed_in=total("committed"),
            released=total("released"),
            claimed=total("claimed"),
            paid=total("paid"),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        committed = (row["committed_in"] or ZERO) - (row["released"] or ZERO)
        allocated = row["allocated"] or ZERO
        result[row["allocation_id"]] = {
            "allocated": allocated,
            "committed": committed,
            "claimed": row["claimed"] or ZERO,
            "paid": row["paid"] or ZERO,
            "remaining": allocated - committed,
        }
    return result


def period_overview(period: FundPeriod) -> tuple[dict, list[FundAllocation]]:
    """The period's totals in the base currency (each allocation's balances converted at its
    allocation's own rate: amount_base / amount) and its allocations by partner."""
    allocations = list(
        FundAllocation.objects.select_related("partner")
        .filter(period=period)
        .order_by("partner__name", "id")
    )
    totals = {
        "budget": period.budget,
        "allocated": ZERO,
        "committed": ZERO,
        "claimed": ZERO,
        "paid": ZERO,
    }
    for a in allocations:
        rate = a.amount_base / a.amount
        for name in ("allocated", "committed", "claimed", "paid"):
            totals[name] += (getattr(a, name) * rate).quantize(Decimal("0.01"))
    totals["remaining"] = totals["allocated"] - totals["committed"]
    totals["unallocated"] = period.budget - period.allocated_base
    return totals, allocations


def status_counts(qs) -> dict[str, int]:
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


# --- earnings (issue 21) ------------------------------------------------------------------------
def by(status: str) -> Sum:
    """The sum of the accruals' amounts in `status` (0 when none)."""
    return Sum(
        Case(
            When(status=status, then="amount"),
            default=0,
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )
    )


def earnings_for(user) -> QuerySet[EarningAccrual]:
    """The accruals `user` may read: staff all; a partner's finance users and admins their own
    company's (a member none: the page and the API refuse it before asking)."""
    qs = EarningAccrual.objects.select_related("partner", "registration", "batch")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_role in READS_EARNINGS:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def earning_totals(qs: QuerySet[EarningAccrual]) -> list[dict]:
    """Per currency: accrued, approved, paid (and the base currency's sum, with how many could
    not be converted). One query."""

    rows = (
        qs.order_by()
        .values("currency")
        .annotate(
            accrued=by(EarningStatus.ACCRUED),
            approved=by(EarningStatus.APPROVED),
            paid=by(EarningStatus.PAID),
            total=Sum("amount"),
            n=Count("id"),
        )
        .order_by("currency")
    )
    return [dict(row) for row in rows]


def earnings_by_partner(qs: QuerySet[EarningAccrual]) -> list[dict]:
    """Per partner and currency: the sums by status (the manager's Earnings page). One query."""

    rows = (
        qs.order_by()
        .values("partner_id", "partner__name", "currency")
        .annotate(
            accrued=by(EarningStatus.ACCRUED),
            approved=by(EarningStatus.APPROVED),
            paid=by(EarningStatus.PAID),
            n=Count("id"),
        )
        .order_by("partner__name", "partner_id", "currency")
    )
    return [dict(row) for row in rows]


def payout_batches() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("created_by").annotate(
        accrual_count=Count("accruals")
    )


def batch_accruals(batch: PayoutBatch) -> QuerySet[EarningAccrual]:
    return (
        EarningAccrual.objects.filter(batch=batch)
        .select_related("partner", "registration")
        .order_by("partner__name", "won_on", "id")
    )


def batch_totals(batch_ids) -> dict[int, dict[str, Decimal]]:
    """{batch id: {currency: total}} for many batches in one query (the API's lists)."""
    rows = (
        EarningAccrual.objects.filter(batch_id__in=list(batch_ids))
        .order_by()
        .values("batch_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by("batch_id", "currency")
    )
    result: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        result.setdefault(row["batch_id"], {})[row["currency"]] = row["total"]
    return result
