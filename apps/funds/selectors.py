"""Reads of the funds app, their joins decided once: what each user may see, the queues, the
period overview and an allocation's balances re-derived from its ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, DecimalField, QuerySet, Sum, When
from django.utils import timezone
from django.utils.functional import Promise

from apps.core.access import READS_EARNINGS
from apps.deals.models import DealRegistration
from apps.program.models import ExchangeRate
from apps.program.money import CENT, base_currency

from .models import (
    ATTRIBUTABLE_STATUSES,
    ActivityType,
    Attribution,
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


@dataclass
class Return:
    """The return of one activity or a group of them, in the base currency."""

    leads: int = 0
    registrations: int = 0
    pipeline: Decimal = ZERO
    won: Decimal = ZERO
    cost: Decimal = ZERO
    # Currencies of registrations with no rate in force: not counted, and said on the page.
    missing: set[str] = field(default_factory=set)

    @property
    def ratio(self) -> Decimal | None:
        """Won value ÷ cost (None without a cost)."""
        if not self.cost:
            return None
        return (self.won / self.cost).quantize(Decimal("0.01"))

    def add(self, other: Return) -> None:
        self.leads += other.leads
        self.registrations += other.registrations
        self.pipeline += other.pipeline
        self.won += other.won
        self.cost += other.cost
        self.missing |= other.missing


@dataclass
class Returns:
    base: str
    by_request: dict[int, Return] = field(default_factory=dict)
    by_partner: dict[int, Return] = field(default_factory=dict)
    by_activity: dict[str, Return] = field(default_factory=dict)
    total: Return = field(default_factory=Return)
    partner_names: dict[int, str] = field(default_factory=dict)

    def partner_rows(self) -> list[tuple[int, str, Return]]:
        return sorted(
            ((pk, self.partner_names.get(pk, ""), r) for pk, r in self.by_partner.items()),
            key=lambda row: (-row[2].won, row[1]),
        )

    def activity_rows(self) -> list[tuple[str, str | Promise, Return]]:
        labels = dict(ActivityType.choices)
        return [
            # The label stays lazy: translated where it is shown (the dashboard keeps its rows
            # in a snapshot shared by users of every language).
            (key, labels.get(key, key), self.by_activity[key])
            for key in ActivityType.values
            if key in self.by_activity
        ]


# Registrations that never became business are no pipeline.
NOT_PIPELINE = ("rejected", "withdrawn")
WON = "won"


def return_on_funds(requests: QuerySet[FundRequest], *, today: date) -> Returns:
    """Pipeline, won value, cost and return (won ÷ cost) of the approved activities among
    `requests`, per request, partner and activity type, in the base currency.

    Three queries whatever the number of rows: the base currency, the requests, and one
    statement that sums their credited registrations per request, currency and valuation day
    and converts each sum with the rate in force that day (a registration's close date, today's
    while open) — what comes back grows with the activities, not with their registrations. A
    lead counts the registration it converted into, unless that registration names a request
    itself. Cost is the actual cost claimed, else the amount approved, converted at its
    allocation's rate as the period's budget is."""
    result = Returns(base=base_currency())
    rows = list(
        requests.filter(status__in=ATTRIBUTABLE_STATUSES)
        .order_by()
        .values(
            "pk",
            "partner_id",
            "partner__name",
            "activity_type",
            "actual_cost",
            "approved_amount",
            "allocation__amount",
            "allocation__amount_base",
        )  # fmt: skip
    )
    for row in rows:
        spent = row["actual_cost"] if row["actual_cost"] is not None else row["approved_amount"]
        rate = row["allocation__amount_base"] / row["allocation__amount"]
        result.by_request[row["pk"]] = Return(cost=(spent or ZERO) * rate)
        result.partner_names[row["partner_id"]] = row["partner__name"]
    if result.by_request:
        for kind, request_id, currency, n, counted, pipeline, won, no_rate in _credited_sums(
            list(result.by_request), base=result.base, today=today
        ):
            figure = result.by_request[request_id]
            if kind == "lead":
                figure.leads += n
                continue
            figure.registrations += n
            if counted and no_rate:
                figure.missing.add(currency)
                continue
            figure.pipeline += pipeline or ZERO
            figure.won += won or ZERO
    for row in rows:
        figure = result.by_request[row["pk"]]
        for name in ("pipeline", "won", "cost"):
            setattr(figure, name, getattr(figure, name).quantize(CENT))
        result.by_partner.setdefault(row["partner_id"], Return()).add(figure)
        result.by_activity.setdefault(row["activity_type"], Return()).add(figure)
        result.total.add(figure)
    return result


def _credited_sums(request_ids: list[int], *, base: str, today: date) -> list[tuple]:
    """Rows (kind, request, currency, count, counted, pipeline, won, no rate): per request its
    leads ("lead"), and its credited registrations ("registrations") summed per currency and
    valuation day, then converted with that day's rate (NULL sums where none is in force). The
    sums are exact (numeric), so converting a sum equals summing the converted amounts."""
    lead_table = Attribution._meta.get_field("lead").related_model._meta.db_table
    sql = f"""
    WITH links AS (
        SELECT a.request_id, a.registration_id, a.lead_id,
               l.registration_id AS lead_registration_id
        FROM {Attribution._meta.db_table} a LEFT JOIN {lead_table} l ON l.id = a.lead_id
        WHERE a.request_id = ANY(%(ids)s)
    ),
    credited AS (
        SELECT DISTINCT ON (registration_id) registration_id, request_id
        FROM (
            SELECT registration_id, request_id, 0 AS via_lead
            FROM links WHERE registration_id IS NOT NULL
            UNION ALL
            SELECT lead_registration_id, request_id, 1
            FROM links WHERE lead_registration_id IS NOT NULL
        ) c
        ORDER BY registration_id, via_lead, request_id
    ),
    grouped AS (
        SELECT c.request_id, r.currency,
               COALESCE((r.closed_at AT TIME ZONE %(tz)s)::date, %(today)s) AS valued_on,
               COUNT(*) AS registrations,
               COUNT(*) FILTER (WHERE r.status <> ALL(%(not_pipeline)s)) AS counted,
               SUM(r.estimated_value) FILTER (WHERE r.status <> ALL(%(not_pipeline)s))
                   AS pipeline,
               SUM(COALESCE(r.actual_value, r.estimated_value)) FILTER (WHERE r.status = %(won)s)
                   AS won
        FROM credited c JOIN {DealRegistration._meta.db_table} r ON r.id = c.registration_id
        GROUP BY 1, 2, 3
    )
    SELECT 'lead', request_id, NULL, COUNT(*), NULL, NULL, NULL, NULL
    FROM links WHERE lead_id IS NOT NULL GROUP BY request_id
    UNION ALL
    SELECT 'registrations', g.request_id, g.currency, g.registrations, g.counted,
           g.pipeline * x.rate, g.won * x.rate, x.rate IS NULL
    FROM grouped g CROSS JOIN LATERAL (
        SELECT CASE WHEN g.currency = %(base)s THEN 1::numeric ELSE (
            SELECT e.rate_to_base FROM {ExchangeRate._meta.db_table} e
            WHERE e.currency = g.currency AND e.effective_date <= g.valued_on
            ORDER BY e.effective_date DESC LIMIT 1
        ) END AS rate
    ) x
    """  # noqa: S608 — table names from _meta; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "ids": request_ids,
                "tz": timezone.get_current_timezone_name(),
                "today": today,
                "not_pipeline": list(NOT_PIPELINE),
                "won": WON,
                "base": base.upper(),
            },
        )
        return cursor.fetchall()


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
