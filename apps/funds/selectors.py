"""Reads of the funds app, their joins decided once: what each user may see, the queues, the
period overview and an allocation's balances re-derived from its ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, DecimalField, QuerySet, Sum, When
from django.utils import timezone
from django.utils.functional import Promise

from apps.core.access import READS_EARNINGS
from apps.deals.models import DealRegistration
from apps.partners.models import Partner
from apps.program.models import ExchangeRate
from apps.program.money import base_currency

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


def queue(status: str | None = None) -> QuerySet[FundRequest]:
    """Requests (`submitted`) or claims (`claimed`) waiting for a manager, longest wait first
    (no status: the page's `ReviewQueueFilter` chooses)."""
    qs = FundRequest.objects.select_related("partner", "allocation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("waiting_since", "id")


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

    Two queries whatever the number of rows: the base currency, and one statement
    (`_per_request_sql`) that reads each request with its partner and cost and sums its
    credited registrations converted with the rate in force on their valuation day. A lead counts
    the registration it converted into, unless that registration names a request itself. Cost is
    the actual cost claimed, else the amount approved, converted at its allocation's rate as the
    period's budget is; each request's figures are rounded to the cent in the statement."""
    result = Returns(base=base_currency())
    try:
        sql, params = _per_request_sql(requests, base=result.base, today=today)
    except EmptyResultSet:  # requests.none(): nothing to read
        return result
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for pk, partner_id, name, activity, cost, leads, regs, pipeline, won, missing in rows:
        figure = _figure((cost, leads, regs, pipeline, won), missing or ())
        result.by_request[pk] = figure
        result.partner_names[partner_id] = name
        result.by_partner.setdefault(partner_id, Return()).add(figure)
        result.by_activity.setdefault(activity, Return()).add(figure)
        result.total.add(figure)
    return result


def _figure(sums: tuple, missing) -> Return:
    """A Return from a row's (cost, leads, registrations, pipeline, won) and missing currencies
    (counts come back as numeric sums)."""
    cost, leads, registrations, pipeline, won = sums
    return Return(
        leads=int(leads),
        registrations=int(registrations),
        pipeline=pipeline,
        won=won,
        cost=cost,
        missing=set(missing),
    )


def return_by_activity(requests: QuerySet[FundRequest], *, today: date) -> Returns:
    """return_on_funds' figures by activity type and in total only (the dashboard's part),
    summed in the database from the same per-request figures: a row per activity type comes
    back, however many activities and registrations the period holds. Two queries."""
    result = Returns(base=base_currency())
    try:
        inner, params = _per_request_sql(requests, base=result.base, today=today)
    except EmptyResultSet:  # requests.none(): nothing to read
        return result
    sql = f"""
    SELECT activity_type, SUM(cost), SUM(leads), SUM(registrations), SUM(pipeline), SUM(won),
           string_agg(array_to_string(missing, ','), ',')
    FROM ({inner}) per_request
    GROUP BY activity_type
    """  # noqa: S608 — the statement of _per_request_sql; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for activity, cost, leads, regs, pipeline, won, missing in rows:
        codes = missing.split(",") if missing else ()  # each request's codes, joined
        figure = _figure((cost, leads, regs, pipeline, won), codes)
        result.by_activity[activity] = figure
        result.total.add(figure)
    return result


def _per_request_sql(requests: QuerySet[FundRequest], *, base: str, today: date):
    """(sql, params): per approved request among `requests` — id, partner, partner name,
    activity type, cost, leads, registrations, pipeline, won (each rounded to the cent, in the
    base currency) and the currencies of counted registrations with no rate in force (NULL when
    none). The registrations are summed per request, currency and valuation day (close date,
    today while open) before each sum is converted once with that day's rate: the sums are exact
    (numeric), so converting a sum equals summing the converted amounts."""
    chosen, chosen_params = (
        requests.filter(status__in=ATTRIBUTABLE_STATUSES).order_by().values("pk").query
    ).sql_with_params()
    lead_table = Attribution._meta.get_field("lead").related_model._meta.db_table
    sql = f"""
    WITH req AS (
        SELECT fr.id, fr.partner_id, p.name AS partner_name, fr.activity_type,
               ROUND(COALESCE(fr.actual_cost, fr.approved_amount, 0)
                     * (al.amount_base / al.amount), 2) AS cost
        FROM {FundRequest._meta.db_table} fr
        JOIN {FundAllocation._meta.db_table} al ON al.id = fr.allocation_id
        JOIN {Partner._meta.db_table} p ON p.id = fr.partner_id
        WHERE fr.id IN ({chosen})
    ),
    links AS (
        SELECT a.request_id, a.registration_id, a.lead_id,
               l.registration_id AS lead_registration_id
        FROM {Attribution._meta.db_table} a
        JOIN req ON req.id = a.request_id
        LEFT JOIN {lead_table} l ON l.id = a.lead_id
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
               COALESCE((r.closed_at AT TIME ZONE %s)::date, %s) AS valued_on,
               COUNT(*) AS registrations,
               COUNT(*) FILTER (WHERE r.status <> ALL(%s)) AS counted,
               SUM(r.estimated_value) FILTER (WHERE r.status <> ALL(%s)) AS pipeline,
               SUM(COALESCE(r.actual_value, r.estimated_value)) FILTER (WHERE r.status = %s)
                   AS won
        FROM credited c JOIN {DealRegistration._meta.db_table} r ON r.id = c.registration_id
        GROUP BY 1, 2, 3
    ),
    rated AS MATERIALIZED (
        SELECT d.currency, d.valued_on,
               CASE WHEN d.currency = %s THEN 1::numeric ELSE (
                   SELECT e.rate_to_base FROM {ExchangeRate._meta.db_table} e
                   WHERE e.currency = d.currency AND e.effective_date <= d.valued_on
                   ORDER BY e.effective_date DESC LIMIT 1
               ) END AS rate
        FROM (SELECT DISTINCT currency, valued_on FROM grouped) d
    ),
    sums AS (
        SELECT g.request_id, SUM(g.registrations) AS registrations,
               SUM(g.pipeline * x.rate) AS pipeline, SUM(g.won * x.rate) AS won,
               array_agg(g.currency) FILTER (WHERE x.rate IS NULL AND g.counted > 0)
                   AS missing
        FROM grouped g JOIN rated x ON x.currency = g.currency AND x.valued_on = g.valued_on
        GROUP BY g.request_id
    ),
    leads AS (
        SELECT request_id, COUNT(*) AS n FROM links WHERE lead_id IS NOT NULL GROUP BY request_id
    )
    SELECT req.id, req.partner_id, req.partner_name, req.activity_type, req.cost,
           COALESCE(leads.n, 0) AS leads, COALESCE(sums.registrations, 0) AS registrations,
           ROUND(COALESCE(sums.pipeline, 0), 2) AS pipeline,
           ROUND(COALESCE(sums.won, 0), 2) AS won, sums.missing
    FROM req
    LEFT JOIN sums ON sums.request_id = req.id
    LEFT JOIN leads ON leads.request_id = req.id
    """  # noqa: S608 — table names from _meta, the requests' own compiled query; values are parameters
    not_pipeline = list(NOT_PIPELINE)
    params = (
        *chosen_params,
        timezone.get_current_timezone_name(),
        today,
        not_pipeline,
        not_pipeline,
        WON,
        base.upper(),
    )
    return sql, params


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
