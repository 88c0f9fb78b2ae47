"""The dashboard's figures: pure functions of (now, days, manager=None), each aggregated in the
database with a fixed number of queries whatever the number of partners and registrations.

`days` is the period looked back on: [now − days, now], both ends included. `manager` narrows
every figure to the partners that manager owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Window as Over
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncWeek
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegStatus
from apps.partners.models import ACTIVE_STAGES, Partner, Stage, StageHistory, Task
from apps.program.models import ProgramSettings, StageConfig, Tier
from apps.qbrs.models import QBR, ActionItem
from apps.qbrs.models import Status as QBRStatus

from .stats import days_between, db_datetime, grouped_percentiles, queryset_percentiles

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
LOOP_STAGES = (Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
# The steps of the lifecycle whose conversion the funnel shows.
STEPS = [
    (Stage.RECRUITMENT, Stage.ONBOARDING),
    (Stage.ONBOARDING, Stage.GROWTH),
    (Stage.GROWTH, Stage.EVALUATION),
    (Stage.EVALUATION, Stage.GROWTH),
    (Stage.EVALUATION, Stage.EXPANSION),
    (Stage.EXPANSION, Stage.GROWTH),
]
MONEY = DecimalField(max_digits=30, decimal_places=10)
CENT = Decimal("0.01")
DEFAULT_CADENCE_MONTHS = 3


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    days: int


def window(now: datetime, days: int) -> Window:
    return Window(start=now - timedelta(days=days), end=now, days=days)


def _partners(manager) -> Q:
    return Q(manager=manager) if manager is not None else Q()


def _via_partner(manager, prefix: str = "partner__") -> Q:
    return Q(**{f"{prefix}manager": manager}) if manager is not None else Q()


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 86400, 1)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def stage_names() -> dict[str, StageConfig]:
    """Display names and targets by stage: one query; missing rows fall back to defaults."""
    found = {c.stage: c for c in StageConfig.objects.all()}
    for stage in Stage:
        found.setdefault(stage.value, StageConfig(stage=stage, display_name=stage.label))
    return found


# --- the stage funnel -------------------------------------------------------------------------
def stage_funnel(now: datetime, days: int, manager=None) -> dict:
    """Partners per stage now; for each lifecycle step, the stays begun in the period and how
    many of them have moved on to the next stage by `now` (cohort conversion). Three queries."""
    w = window(now, days)
    counts = {s.value: 0 for s in Stage}
    for row in Partner.objects.filter(_partners(manager)).values("stage").annotate(n=Count("id")):
        counts[row["stage"]] = row["n"]

    # Each history row opens a stay in its to_stage; what ended the stay is the partner's next
    # row (ties on `at` are broken by id, as the history is ordered).
    later = StageHistory.objects.filter(partner_id=OuterRef("partner_id"), at__lte=w.end).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    entries = (
        StageHistory.objects.filter(_via_partner(manager), at__gte=w.start, at__lte=w.end)
        .annotate(next_to=Subquery(later.order_by("at", "id").values("to_stage")[:1]))
        .values("to_stage", "next_to")
        .annotate(n=Count("id"))
        .order_by()
    )
    outcomes: dict[str, dict[str | None, int]] = {}
    for row in entries:
        outcomes.setdefault(row["to_stage"], {})[row["next_to"]] = row["n"]

    # A partner made in the period starts its first stay in recruitment without a history row.
    first = StageHistory.objects.filter(partner_id=OuterRef("pk"), at__lte=w.end).order_by(
        "at", "id"
    )
    created = (
        Partner.objects.filter(_partners(manager), created_at__gte=w.start, created_at__lte=w.end)
        .annotate(
            first_from=Subquery(first.values("from_stage")[:1]),
            first_to=Subquery(first.values("to_stage")[:1]),
        )
        .filter(
            Q(first_from=Stage.RECRUITMENT) | Q(first_from__isnull=True, stage=Stage.RECRUITMENT)
        )
        .values("first_to")
        .annotate(n=Count("id"))
        .order_by()
    )
    recruit = outcomes.setdefault(Stage.RECRUITMENT.value, {})
    for row in created:
        recruit[row["first_to"]] = recruit.get(row["first_to"], 0) + row["n"]

    steps = []
    for from_stage, to_stage in STEPS:
        found = outcomes.get(from_stage.value, {})
        entered = sum(found.values())
        moved = found.get(to_stage.value, 0)
        steps.append(
            {
                "from": from_stage.value,
                "to": to_stage.value,
                "entered": entered,
                "moved": moved,
                "exited": found.get(Stage.EXITED.value, 0),
                "still": found.get(None, 0),
                "rate": _rate(moved, entered),
            }
        )
    return {"counts": counts, "total": sum(counts.values()), "steps": steps}


# --- time in stage and bottlenecks ------------------------------------------------------------
def _stays_sql(now: datetime, start: datetime, manager) -> tuple[str, list]:
    """(g: stage, v: days) of every stay that ended in the period plus every current stay.

    A completed stay is a history row (it ends the stay in its from_stage) and began at the
    partner's previous row — LAG over the partner's history — or, for the first row, when the
    partner was created. Exited partners have no stay to measure.
    """
    history = StageHistory._meta.db_table
    partners = Partner._meta.db_table
    mine = " AND p.manager_id = %s" if manager is not None else ""
    # PostgreSQL must be told the parameter's type in `parameter - timestamptz`.
    now_param = "CAST(%s AS timestamptz)" if connection.vendor == "postgresql" else "%s"
    mine_params = [manager.pk] if manager is not None else []
    sql = f"""
        SELECT h.from_stage AS g, {days_between("h.at", "COALESCE(h.started, p.created_at)")} AS v
        FROM (
            SELECT partner_id, from_stage, at,
                   LAG(at) OVER (PARTITION BY partner_id ORDER BY at, id) AS started
            FROM {history}
        ) h
        JOIN {partners} p ON p.id = h.partner_id
        WHERE h.at >= %s AND h.at <= %s AND h.from_stage <> 'exited'{mine}
        UNION ALL
        SELECT p.stage AS g, {days_between(now_param, "p.stage_entered_at")} AS v
        FROM {partners} p
        WHERE p.stage <> 'exited'{mine}
    """
    params = [db_datetime(start), db_datetime(now), *mine_params, db_datetime(now), *mine_params]
    return sql, params


def time_in_stage(now: datetime, days: int, manager=None) -> list[dict]:
    """Median and 90th percentile days per stage, over the stays that ended in the period and
    the stays still running, against each stage's target. Two queries."""
    names = stage_names()
    sql, params = _stays_sql(now, now - timedelta(days=days), manager)
    found = grouped_percentiles(sql, params, (0.5, 0.9))
    rows = []
    for stage in Stage:
        if stage == Stage.EXITED:
            continue
        figures = found.get(stage.value, {})
        median, p90 = figures.get(0.5), figures.get(0.9)
        # float noise around zero (a stay that began at `now`) must not print as -0.0
        median = None if median is None else max(0.0, median)
        p90 = None if p90 is None else max(0.0, p90)
        target = names[stage.value].target_days
        rows.append(
            {
                "stage": stage.value,
                "name": names[stage.value].display_name,
                "n": figures.get("n", 0),
                "median": None if median is None else round(median, 1),
                "p90": None if p90 is None else round(p90, 1),
                "target": target,
                "median_over": target is not None and median is not None and median > target,
                "p90_over": target is not None and p90 is not None and p90 > target,
            }
        )
    return rows


def _cutoffs(names: dict[str, StageConfig], now: datetime, factor: float = 1.0) -> dict:
    """{stage: the moment before which a partner entering the stage is over its target}."""
    return {
        stage: now - timedelta(days=config.target_days * factor)
        for stage, config in names.items()
        if config.target_days and stage != Stage.EXITED
    }


def _cutoff_case(cutoffs: dict) -> Case:
    return Case(
        *[When(stage=stage, then=Value(at)) for stage, at in cutoffs.items()],
        default=Value(None),
        output_field=DateTimeField(),
    )


def bottlenecks(now: datetime, manager=None, limit: int = 10) -> dict:
    """Partners longest over their current stage's target, worst first. Three queries."""
    names = stage_names()
    cutoffs = _cutoffs(names, now)
    if not cutoffs:
        return {"rows": [], "total": 0}
    over = Q()
    for stage, at in cutoffs.items():
        over |= Q(stage=stage, stage_entered_at__lt=at)
    qs = (
        Partner.objects.filter(_partners(manager))
        .filter(over)
        .annotate(cutoff=_cutoff_case(cutoffs))
        .annotate(over_by=ExpressionWrapper(F("cutoff") - F("stage_entered_at"), DurationField()))
        .select_related("manager")
        .order_by("-over_by", "id")
    )
    rows = []
    for p in qs[:limit]:
        config = names[p.stage]
        in_stage = (now - p.stage_entered_at).total_seconds() / 86400
        rows.append(
            {
                "partner": p,
                "stage_name": config.display_name,
                "days": int(in_stage),
                "target": config.target_days,
                "over_days": int(in_stage - config.target_days),
            }
        )
    # All partners over target, for the link to the list (always counted: a constant cost).
    return {"rows": rows, "total": qs.count()}


# --- onboarding -------------------------------------------------------------------------------
def onboarding(now: datetime, days: int, manager=None) -> dict:
    """Ramp time (onboarding start → first approved registration) of the partners whose first
    approval fell in the period; on-time completion of onboardings completed in the period;
    partners at risk now (in onboarding past their due date). Two queries."""
    w = window(now, days)
    today = timezone.localdate(now)
    first_approval = (
        DealRegistration.objects.filter(
            partner_id=OuterRef("pk"),
            approved_at__isnull=False,
            approved_at__gte=OuterRef("onboarding_started_at"),
        )
        .order_by("approved_at")
        .values("approved_at")[:1]
    )
    ramped = (
        Partner.objects.filter(_partners(manager), onboarding_started_at__isnull=False)
        .annotate(first_approval=Subquery(first_approval))
        .filter(first_approval__gte=w.start, first_approval__lte=w.end)
        .annotate(
            ramp=ExpressionWrapper(
                F("first_approval") - F("onboarding_started_at"), output_field=DurationField()
            )
        )
    )
    ramp = queryset_percentiles(ramped, "ramp", (0.5, 0.9)).get(None, {})
    done = Q(onboarding_completed_at__gte=w.start, onboarding_completed_at__lte=w.end)
    agg = Partner.objects.filter(_partners(manager)).aggregate(
        completed=Count("id", filter=done),
        on_time=Count(
            "id",
            filter=done
            & Q(onboarding_due_date__isnull=False)
            & Q(onboarding_completed_at__date__lte=F("onboarding_due_date")),
        ),
        onboarding=Count("id", filter=Q(stage=Stage.ONBOARDING)),
        at_risk=Count("id", filter=Q(stage=Stage.ONBOARDING, onboarding_due_date__lt=today)),
    )
    return {
        "ramped": ramp.get("n", 0),
        "ramp_median_days": _days(ramp.get(0.5)),
        "ramp_p90_days": _days(ramp.get(0.9)),
        "completed": agg["completed"],
        "on_time": agg["on_time"],
        "on_time_rate": _rate(agg["on_time"], agg["completed"]),
        "onboarding": agg["onboarding"],
        "at_risk": agg["at_risk"],
    }


# --- deal registrations -----------------------------------------------------------------------
def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def registrations(now: datetime, days: int, manager=None) -> dict:
    """Submitted / approved / rejected per week, review time against the SLA, SLA breaches now,
    win rate of the registrations closed in the period. Eight queries, each bounded by an index
    on its timestamp (see dashboard migration 0001)."""
    w = window(now, days)
    sla = ProgramSettings.get().review_sla_hours
    regs = DealRegistration.objects.filter(_via_partner(manager))

    def weekly(field: str, **extra) -> dict[date, int]:
        rows = (
            regs.filter(**{f"{field}__gte": w.start, f"{field}__lte": w.end}, **extra)
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("*"))  # not "id": the timestamp indexes cover the count
            .order_by()
        )
        return {
            timezone.localdate(r["week"]) if isinstance(r["week"], datetime) else r["week"]: r["n"]
            for r in rows
        }

    submitted = weekly("submitted_at")
    approved = weekly("approved_at")
    rejected = weekly("reviewed_at", status=RegStatus.REJECTED)
    weeks = []
    day = week_start(timezone.localdate(w.start))
    last = week_start(timezone.localdate(w.end))
    while day <= last:
        weeks.append(
            {
                "week": day,
                "submitted": submitted.get(day, 0),
                "approved": approved.get(day, 0),
                "rejected": rejected.get(day, 0),
            }
        )
        day += timedelta(days=7)

    reviewed = Q(reviewed_at__gte=w.start, reviewed_at__lte=w.end)
    review = queryset_percentiles(
        regs.filter(reviewed).annotate(
            review=ExpressionWrapper(F("reviewed_at") - F("submitted_at"), DurationField())
        ),
        "review",
        (0.5, 0.9),
    ).get(None, {})
    # Three aggregates, each over its own index (never the whole table): what waits now (the
    # partial index of submitted registrations), what was reviewed in the period, what closed.
    agg = regs.filter(status=RegStatus.SUBMITTED).aggregate(
        waiting=Count("*"),
        breaches=Count("submitted_at", filter=Q(submitted_at__lt=now - timedelta(hours=sla))),
    )
    agg |= regs.filter(reviewed).aggregate(
        reviewed=Count("*"),
        reviewed_late=Count(
            "reviewed_at", filter=Q(reviewed_at__gt=F("submitted_at") + timedelta(hours=sla))
        ),
    )
    agg |= regs.filter(
        status__in=[RegStatus.WON, RegStatus.LOST], closed_at__gte=w.start, closed_at__lte=w.end
    ).aggregate(
        won=Count("closed_at", filter=Q(status=RegStatus.WON)),
        lost=Count("closed_at", filter=Q(status=RegStatus.LOST)),
    )
    median, p90 = _hours(review.get(0.5)), _hours(review.get(0.9))
    return {
        "weeks": weeks,
        "totals": {
            key: sum(wk[key] for wk in weeks) for key in ("submitted", "approved", "rejected")
        },
        "sla_hours": sla,
        "review_median_hours": median,
        "review_p90_hours": p90,
        "median_over_sla": median is not None and median > sla,
        "p90_over_sla": p90 is not None and p90 > sla,
        "reviewed": agg["reviewed"],
        "reviewed_late": agg["reviewed_late"],
        "waiting": agg["waiting"],
        "breaches": agg["breaches"],
        "won": agg["won"],
        "lost": agg["lost"],
        "win_rate": _rate(agg["won"], agg["won"] + agg["lost"]),
    }


_rates_table: bool = False


def rates_available() -> bool:
    """Whether the exchange-rate table exists yet (the tiers app ships it); remembered once
    true, as tables do not disappear under a running site."""
    global _rates_table
    if not _rates_table:
        from apps.tiers.models import ExchangeRate

        _rates_table = ExchangeRate._meta.db_table in connection.introspection.table_names()
    return _rates_table


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def in_base_currency(regs, base: str, today: date):
    """Annotate `amount` (won value for won, estimated value otherwise) and `in_base` (that
    amount in the base currency, NULL when no rate is in force) — converted in SQL with the rate
    in force on the close date for won registrations and on `today` for the others."""
    if rates_available():
        from apps.tiers.models import ExchangeRate

        rate = Subquery(
            ExchangeRate.objects.filter(
                currency=OuterRef("currency"), effective_date__lte=OuterRef("rate_date")
            )
            .order_by("-effective_date")
            .values("rate_to_base")[:1],
            output_field=MONEY,
        )
    else:
        rate = Value(None, output_field=MONEY)
    return regs.annotate(
        rate_date=Case(
            When(status=RegStatus.WON, then=TruncDate("closed_at")),
            default=Value(today),
            output_field=DateField(),
        ),
        amount=Case(
            When(status=RegStatus.WON, then=Coalesce("actual_value", "estimated_value")),
            default=F("estimated_value"),
            output_field=MONEY,
        ),
    ).annotate(
        in_base=Case(
            When(currency=base, then=F("amount")),
            default=ExpressionWrapper(F("amount") * rate, output_field=MONEY),
            output_field=MONEY,
        )
    )


def _rates_on(day: date) -> dict[str, Decimal]:
    """{currency: the rate in force on `day`} — one query over the (small) rate table."""
    if not rates_available():
        return {}
    from apps.tiers.models import ExchangeRate

    latest = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), effective_date__lte=day)
        .order_by("-effective_date")
        .values("effective_date")[:1]
    )
    return dict(
        ExchangeRate.objects.filter(effective_date=Subquery(latest))
        .values_list("currency", "rate_to_base")
        .order_by()
    )


def _converted(regs, base: str, amount, rate_date, rates: dict | None = None):
    """Annotate `in_base`: `amount` in the base currency at the rate in force on `rate_date`
    (NULL when none is), reading no column but those the dashboard's covering indexes hold.
    With `rates` ({currency: rate}, when every row converts on the same day) the rate is a
    constant CASE instead of a lookup per row."""
    if rates is not None:
        rate = Case(
            *[When(currency=c, then=Value(r)) for c, r in sorted(rates.items())],
            default=Value(None),
            output_field=MONEY,
        )
    elif rates_available():
        from apps.tiers.models import ExchangeRate

        rate = Subquery(
            ExchangeRate.objects.filter(
                currency=OuterRef("currency"), effective_date__lte=OuterRef("rate_date")
            )
            .order_by("-effective_date")
            .values("rate_to_base")[:1],
            output_field=MONEY,
        )
    else:
        rate = Value(None, output_field=MONEY)
    return regs.annotate(
        rate_date=ExpressionWrapper(rate_date, output_field=DateField()),
        amount=ExpressionWrapper(amount, output_field=MONEY),
    ).annotate(
        in_base=Case(
            When(currency=base, then=F("amount")),
            default=ExpressionWrapper(F("amount") * rate, output_field=MONEY),
            output_field=MONEY,
        )
    )


def money(now: datetime, days: int, manager=None, limit: int = 10) -> dict:
    """Approved pipeline (approved now, at today's rate) and won value (won in the period, at
    the rate in force on the close date) by partner and by tier, in the base currency. Amounts
    in a currency with no rate in force are left out of the sums and counted, never guessed."""
    w = window(now, days)
    base = ProgramSettings.get().base_currency.upper()
    today = timezone.localdate(now)
    # Two index-only scans (dashboard migration 0001): the approved registrations through the
    # partial pipeline index (converted at today's rates, constants in the query), those won in
    # the period through the closed-at index (at the rate of each close date) — each converted
    # and summed per partner in the database; the ranking by partner, the sums by tier and the
    # currencies without a rate are folded here from those per-partner rows.
    mine = DealRegistration.objects.filter(_via_partner(manager))
    approved = _converted(
        mine.filter(status=RegStatus.APPROVED),
        base,
        F("estimated_value"),
        Value(today),
        rates=_rates_on(today),
    )
    won = _converted(
        mine.filter(status=RegStatus.WON, closed_at__gte=w.start, closed_at__lte=w.end),
        base,
        Coalesce("actual_value", "estimated_value"),
        TruncDate("closed_at"),
    )
    # Grouped by partner; the currencies left unconverted ride along as an array on PostgreSQL
    # (usually empty), while SQLite — no ARRAY_AGG, and small — groups by currency as well.
    missing = Q(in_base__isnull=True)
    keys: tuple[str, ...] = ("partner_id", "partner__name", "partner__tier_id")
    extra: dict = {}
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        extra["currencies"] = ArrayAgg("currency", filter=missing, distinct=True, default=None)
    else:
        keys = (*keys, "currency")
    groups = [
        {**g, "pipeline": g["total"], "won": None, "won_deals": 0}
        for g in approved.values(*keys)
        .annotate(
            total=Sum("in_base", output_field=MONEY),
            missing=Count("partner_id", filter=missing),
            **extra,
        )
        .order_by()
    ] + [
        {**g, "pipeline": None, "won": g["total"], "won_deals": g["n"]}
        for g in won.values(*keys)
        .annotate(
            total=Sum("in_base", output_field=MONEY),
            n=Count("partner_id"),
            missing=Count("partner_id", filter=missing),
            **extra,
        )
        .order_by()
    ]
    zero = {"pipeline": Decimal(0), "won": Decimal(0), "won_deals": 0, "missing": 0}
    per_partner: dict[int, dict] = {}
    per_tier: dict[int | None, dict] = {}
    missing_set: set[str] = set()
    for g in groups:
        if g["missing"]:
            missing_set.update(g["currencies"] if "currencies" in g else [g["currency"]])
        for key, into in (
            (g["partner_id"], per_partner),
            (g["partner__tier_id"], per_tier),
        ):
            row = into.setdefault(key, {**zero, "name": g["partner__name"]})  # tiers: unused
            row["pipeline"] += g["pipeline"] or 0
            row["won"] += g["won"] or 0
            row["won_deals"] += g["won_deals"]
            row["missing"] += g["missing"]
    tier_names = {t.pk: (t.rank, t.name) for t in Tier.objects.filter(pk__in=list(per_tier))}
    # Best first: won, then pipeline, then id (nothing converted counts as zero).
    by_partner = sorted(
        (
            {"partner_id": pk, "partner__name": row["name"], **row}
            for pk, row in per_partner.items()
        ),
        key=lambda r: (-r["won"], -r["pipeline"], r["partner_id"]),
    )[:limit]
    by_tier = sorted(
        (
            {
                "partner__tier_id": pk,
                "partner__tier__name": tier_names[pk][1] if pk in tier_names else None,
                "rank": tier_names[pk][0] if pk in tier_names else None,
                **row,
            }
            for pk, row in per_tier.items()
        ),
        key=lambda r: (r["rank"] is None, r["rank"] or 0),
    )
    missing_currencies = sorted(missing_set)

    def shape(row, **extra) -> dict:
        return {
            **extra,
            "pipeline": _money(row["pipeline"]),
            "won": _money(row["won"]),
            "won_deals": row["won_deals"],
            "missing": row["missing"],
        }

    partners = [shape(r, partner_id=r["partner_id"], name=r["partner__name"]) for r in by_partner]
    tiers = [
        shape(r, tier_id=r["partner__tier_id"], name=r["partner__tier__name"] or "No tier")
        for r in by_tier
    ]
    return {
        "base": base,
        "by_partner": partners,
        "by_tier": tiers,
        "pipeline": sum((t["pipeline"] for t in tiers), Decimal("0.00")),
        "won": sum((t["won"] for t in tiers), Decimal("0.00")),
        "won_deals": sum(t["won_deals"] for t in tiers),
        "missing": sum(t["missing"] for t in tiers),
        "missing_currencies": missing_currencies,
    }


# --- QBRs -------------------------------------------------------------------------------------
def add_months(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (negative) or later; end-of-month days
    fall back to the last day of the shorter month."""
    import calendar

    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def qbrs(now: datetime, days: int, manager=None, limit: int = 10) -> dict:
    """Compliance (partners in growth/evaluation/expansion with a QBR completed within their
    tier's cadence), overdue QBRs, and the growth ⇄ evaluation loops per partner. Five queries."""
    w = window(now, days)
    tiers = {t.pk: add_months(now, -t.qbr_cadence_months) for t in Tier.objects.all()}

    def completed_since(cutoff: datetime) -> Exists:
        return Exists(
            QBR.objects.filter(
                partner_id=OuterRef("pk"),
                status=QBRStatus.COMPLETED,
                completed_at__gte=cutoff,
                completed_at__lte=now,
            )
        )

    # One condition per tier (a handful): the tier's cadence decides how recent is recent.
    compliant = Q(Q(tier__isnull=True), completed_since(add_months(now, -DEFAULT_CADENCE_MONTHS)))
    for pk, cutoff in tiers.items():
        compliant |= Q(Q(tier_id=pk), completed_since(cutoff))
    agg = Partner.objects.filter(_partners(manager), stage__in=LOOP_STAGES).aggregate(
        total=Count("id"), compliant=Count("id", filter=compliant)
    )
    overdue = QBR.objects.filter(
        _via_partner(manager), status=QBRStatus.SCHEDULED, scheduled_for__lt=now
    ).count()
    loops = StageHistory.objects.filter(
        _via_partner(manager), from_stage=Stage.EVALUATION, to_stage=Stage.GROWTH, at__lte=now
    )
    in_period = Q(at__gte=w.start)
    top = list(
        loops.values("partner_id", "partner__name")
        .annotate(total=Count("id"), in_period=Count("id", filter=in_period))
        .order_by("-total", "partner__name", "partner_id")[:limit]
    )
    totals = loops.aggregate(
        loops=Count("id", filter=in_period),
        partners=Count("partner_id", distinct=True),
    )
    return {
        "in_loop": agg["total"],
        "compliant": agg["compliant"],
        "compliance": _rate(agg["compliant"], agg["total"]),
        "overdue": overdue,
        "loops_in_period": totals["loops"],
        "looping_partners": totals["partners"],
        "top_loops": [
            {
                "partner_id": r["partner_id"],
                "name": r["partner__name"],
                "total": r["total"],
                "in_period": r["in_period"],
            }
            for r in top
        ],
    }


# --- partner health ---------------------------------------------------------------------------
HEALTH_PARTS = [
    # key, label, how the points are earned
    ("activity", "Activity", "20 if a registration in the last 30 days, 10 if in 90, else 0"),
    ("wins", "Win rate", "20 at ≥ 50 % won of closed in 12 months, 10 at ≥ 25 % or none closed"),
    (
        "satisfaction",
        "QBR satisfaction",
        "20 if the last score ≥ 7 and not falling, 0 if falling, else 10",
    ),
    ("overdue", "Overdue work", "20 with no overdue tasks or action items, 10 with 1–2, else 0"),
    ("stage_time", "Time in stage", "20 within the stage target, 10 up to 1.5× it, else 0"),
]


def _wins(won: int, lost: int) -> int:
    closed = won + lost
    if closed == 0:
        return 10
    if won * 2 >= closed:
        return 20
    return 10 if won * 4 >= closed else 0


def _satisfaction(last: int | None, previous: int | None) -> int:
    if last is None:
        return 10
    if previous is not None and previous > last:
        return 0
    if last >= 7:
        return 20
    return 10 if last >= 1 else 0


def _overdue(work: int) -> int:
    return 20 if work == 0 else 10 if work <= 2 else 0


def health(now: datetime, manager=None, limit: int = 15) -> dict:
    """A 0–100 score per active partner from five signals of 0–20 points each (HEALTH_PARTS),
    lowest first: the partners about to go quiet. Eight queries.

    Every active partner is scored (the ranking needs them all), so each signal is one grouped
    query over an indexed range — registrations of the last 90 days, closings of the last 12
    months, the last two QBR scores, overdue tasks and action items — never one lookup per
    partner; the points are added up here and only the `limit` lowest partners are loaded.
    """
    today = timezone.localdate(now)
    names = stage_names()
    within = _cutoffs(names, now)
    stretched = _cutoffs(names, now, 1.5)
    year_ago = now - timedelta(days=365)

    # Time in stage is scored in the query (a CASE on the partner's own columns), so only
    # integers come back for the thousands of active partners.
    stage_ok = Q(stage__in=[s for s in ACTIVE_STAGES if s.value not in within])
    for stage, at in within.items():
        stage_ok |= Q(stage=stage, stage_entered_at__gte=at)
    stage_time = [When(stage_ok, then=Value(20))]
    if stretched:  # none without any StageConfig row: an empty Q() cannot be a When()
        stage_half = Q()
        for stage, at in stretched.items():
            stage_half |= Q(stage=stage, stage_entered_at__gte=at)
        stage_time.append(When(stage_half, then=Value(10)))
    active = list(
        Partner.objects.filter(_partners(manager), stage__in=ACTIVE_STAGES)
        .annotate(stage_points=Case(*stage_time, default=Value(0), output_field=IntegerField()))
        .values_list("id", "name", "stage_points")
        .order_by()
    )
    regs = DealRegistration.objects.filter(_via_partner(manager))
    # Activity: 20 with a registration in the last 30 days, 10 in the last 90.
    month_ago = now - timedelta(days=30)
    recent = {
        pk: 20 if fresh else 10
        for pk, fresh in regs.filter(
            submitted_at__gte=now - timedelta(days=90), submitted_at__lte=now
        )
        .values("partner_id")
        .annotate(fresh=Count("submitted_at", filter=Q(submitted_at__gte=month_ago)))
        .values_list("partner_id", "fresh")
        .order_by()
    }
    closed = {
        r["partner_id"]: (r["won"], r["lost"])
        for r in regs.filter(
            status__in=[RegStatus.WON, RegStatus.LOST], closed_at__gte=year_ago, closed_at__lte=now
        )
        .values("partner_id")
        .annotate(
            won=Count("partner_id", filter=Q(status=RegStatus.WON)),
            lost=Count("partner_id", filter=Q(status=RegStatus.LOST)),
        )
        .order_by()
    }
    scores: dict[int, list[int]] = {}
    last_two = (
        QBR.objects.filter(
            _via_partner(manager),
            status=QBRStatus.COMPLETED,
            satisfaction_score__isnull=False,
            completed_at__lte=now,
        )
        .annotate(
            rank=Over(
                RowNumber(),
                partition_by=[F("partner_id")],
                order_by=[F("completed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .values_list("partner_id", "rank", "satisfaction_score")
        .order_by("partner_id", "rank")
    )
    for partner_id, _rank, score in last_two:
        scores.setdefault(partner_id, []).append(score)
    # Tasks of the stage visit the partner is in (a finished visit's optional leftovers don't).
    work: dict[int, int] = {}
    tasks = (
        Task.objects.filter(
            _via_partner(manager),
            partner__stage__in=ACTIVE_STAGES,
            stage=F("partner__stage"),
            stage_visit=F("partner__stage_entered_at"),
            done=False,
            due_date__lt=today,
        )
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
        .order_by()
    )
    items = (
        ActionItem.objects.filter(
            _via_partner(manager, "qbr__partner__"), done=False, due_date__lt=today
        )
        .exclude(qbr__status=QBRStatus.CANCELLED)
        .values("qbr__partner_id")
        .annotate(n=Count("id"))
        .values_list("qbr__partner_id", "n")
        .order_by()
    )
    for partner_id, n in [*tasks, *items]:
        work[partner_id] = work.get(partner_id, 0) + n

    scored = []
    for pk, name, stage_points in active:
        won, lost = closed.get(pk, (0, 0))
        last_score, previous_score = ([*scores.get(pk, []), None, None])[:2]
        points = {
            "activity": recent.get(pk, 0),
            "wins": _wins(won, lost),
            "satisfaction": _satisfaction(last_score, previous_score),
            "overdue": _overdue(work.get(pk, 0)),
            "stage_time": stage_points,
        }
        scored.append(
            (sum(points.values()), name, pk, points, won, lost, last_score, previous_score)
        )
    scored.sort(key=lambda row: row[:3])
    lowest = scored[:limit]

    # The shown partners, with their last registration however old (one query, `limit` rows).
    last_registration = Subquery(
        DealRegistration.objects.filter(partner_id=OuterRef("pk"), submitted_at__lte=now)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    loaded = Partner.objects.select_related("manager").annotate(last_registration=last_registration)
    found = {p.pk: p for p in loaded.filter(pk__in=[row[2] for row in lowest])}
    rows = []
    for score, _name, pk, points, won, lost, last_score, previous_score in lowest:
        p = found[pk]
        parts = [
            {"key": key, "label": label, "points": points[key], "rule": rule}
            for key, label, rule in HEALTH_PARTS
        ]
        rows.append(
            {
                "partner": p,
                "score": score,
                "parts": parts,
                "explain": "; ".join(f"{x['label']} {x['points']}/20" for x in parts),
                "days_since_registration": (
                    (now - p.last_registration).days if p.last_registration else None
                ),
                "won_12m": won,
                "closed_12m": won + lost,
                "last_score": last_score,
                "previous_score": previous_score,
                "overdue_work": work.get(pk, 0),
                "days_in_stage": max(0, (now - p.stage_entered_at).days),
                "target": names[p.stage].target_days,
            }
        )
    return {"rows": rows, "parts": HEALTH_PARTS}


def partner_money(partner_id: int, start: datetime, now: datetime) -> dict:
    """One partner's won value in [start, now] and approved pipeline now, in the base currency,
    with the registrations left out for want of a rate. Two queries."""
    base = ProgramSettings.get().base_currency.upper()
    regs = DealRegistration.objects.filter(partner_id=partner_id).filter(
        Q(status=RegStatus.APPROVED)
        | Q(status=RegStatus.WON, closed_at__gte=start, closed_at__lte=now)
    )
    agg = in_base_currency(regs, base, timezone.localdate(now)).aggregate(
        pipeline=Sum("in_base", filter=Q(status=RegStatus.APPROVED), output_field=MONEY),
        approved=Count("id", filter=Q(status=RegStatus.APPROVED)),
        won=Sum("in_base", filter=Q(status=RegStatus.WON), output_field=MONEY),
        won_deals=Count("id", filter=Q(status=RegStatus.WON)),
        missing=Count("id", filter=Q(in_base__isnull=True)),
    )
    return {
        "base": base,
        "start": start,
        "won": _money(agg["won"]),
        "won_deals": agg["won_deals"],
        "pipeline": _money(agg["pipeline"]),
        "approved": agg["approved"],
        "missing": agg["missing"],
    }
