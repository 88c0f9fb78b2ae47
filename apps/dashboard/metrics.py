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
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
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
    win rate of the registrations closed in the period. Six queries."""
    w = window(now, days)
    sla = ProgramSettings.get().review_sla_hours
    regs = DealRegistration.objects.filter(_via_partner(manager))

    def weekly(field: str, **extra) -> dict[date, int]:
        rows = (
            regs.filter(**{f"{field}__gte": w.start, f"{field}__lte": w.end}, **extra)
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("id"))
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
    closed = Q(closed_at__gte=w.start, closed_at__lte=w.end)
    agg = regs.aggregate(
        waiting=Count("id", filter=Q(status=RegStatus.SUBMITTED)),
        breaches=Count(
            "id",
            filter=Q(status=RegStatus.SUBMITTED, submitted_at__lt=now - timedelta(hours=sla)),
        ),
        reviewed=Count("id", filter=reviewed),
        reviewed_late=Count(
            "id", filter=reviewed & Q(reviewed_at__gt=F("submitted_at") + timedelta(hours=sla))
        ),
        won=Count("id", filter=closed & Q(status=RegStatus.WON)),
        lost=Count("id", filter=closed & Q(status=RegStatus.LOST)),
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


def money(now: datetime, days: int, manager=None, limit: int = 10) -> dict:
    """Approved pipeline (approved now, at today's rate) and won value (won in the period, at
    the rate in force on the close date) by partner and by tier, in the base currency. Amounts
    in a currency with no rate in force are left out of the sums and counted, never guessed."""
    w = window(now, days)
    base = ProgramSettings.get().base_currency.upper()
    today = timezone.localdate(now)
    regs = DealRegistration.objects.filter(_via_partner(manager)).filter(
        Q(status=RegStatus.APPROVED)
        | Q(status=RegStatus.WON, closed_at__gte=w.start, closed_at__lte=w.end)
    )
    regs = in_base_currency(regs, base, today)
    missing = Q(in_base__isnull=True)
    sums = {
        "pipeline": Sum("in_base", filter=Q(status=RegStatus.APPROVED), output_field=MONEY),
        "won": Sum("in_base", filter=Q(status=RegStatus.WON), output_field=MONEY),
        "won_deals": Count("id", filter=Q(status=RegStatus.WON)),
        "missing": Count("id", filter=missing),
    }
    by_partner = (
        regs.values("partner_id", "partner__name")
        .annotate(**sums)
        .order_by(F("won").desc(nulls_last=True), F("pipeline").desc(nulls_last=True), "partner_id")
    )[:limit]
    by_tier = (
        regs.values("partner__tier_id", "partner__tier__name", "partner__tier__rank")
        .annotate(**sums)
        .order_by(F("partner__tier__rank").asc(nulls_last=True))
    )
    missing_currencies = sorted(
        regs.filter(missing).values_list("currency", flat=True).distinct().order_by()
    )

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
POINTS = IntegerField()


def _count(qs) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.order_by().values("_g").annotate(c=Count("id")).values("c")[:1],
            output_field=POINTS,
        ),
        0,
    )


def _score(*cases) -> Case:
    return Case(*cases, default=Value(0), output_field=POINTS)


def health(now: datetime, manager=None, limit: int = 15) -> dict:
    """A 0–100 score per active partner from five signals of 0–20 points each (HEALTH_PARTS),
    lowest first: the partners about to go quiet. Two queries."""
    today = timezone.localdate(now)
    names = stage_names()
    within = _cutoffs(names, now)
    stretched = _cutoffs(names, now, 1.5)
    year_ago = now - timedelta(days=365)

    regs = DealRegistration.objects.filter(partner_id=OuterRef("pk")).annotate(_g=F("partner_id"))
    closed = regs.filter(closed_at__gte=year_ago, closed_at__lte=now)
    scores = QBR.objects.filter(
        partner_id=OuterRef("pk"),
        status=QBRStatus.COMPLETED,
        satisfaction_score__isnull=False,
        completed_at__lte=now,
    ).order_by("-completed_at", "-id")
    # Tasks of the stage visit the partner is in (a finished visit's optional leftovers don't).
    overdue_tasks = Task.objects.filter(
        partner_id=OuterRef("pk"),
        stage=OuterRef("stage"),
        stage_visit=OuterRef("stage_entered_at"),
        done=False,
        due_date__lt=today,
    ).annotate(_g=F("partner_id"))
    overdue_items = (
        ActionItem.objects.filter(qbr__partner_id=OuterRef("pk"), done=False, due_date__lt=today)
        .exclude(qbr__status=QBRStatus.CANCELLED)
        .annotate(_g=F("qbr__partner_id"))
    )
    stage_ok = Q(stage__in=[s for s in ACTIVE_STAGES if s.value not in within])
    stage_half = Q()
    for stage, at in within.items():
        stage_ok |= Q(stage=stage, stage_entered_at__gte=at)
    for stage, at in stretched.items():
        stage_half |= Q(stage=stage, stage_entered_at__gte=at)

    qs = (
        Partner.objects.filter(_partners(manager), stage__in=ACTIVE_STAGES)
        .select_related("manager")
        .annotate(
            last_registration=Subquery(
                regs.filter(submitted_at__lte=now)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
            won_12m=_count(closed.filter(status=RegStatus.WON)),
            lost_12m=_count(closed.filter(status=RegStatus.LOST)),
            last_score=Subquery(scores.values("satisfaction_score")[:1]),
            previous_score=Subquery(scores.values("satisfaction_score")[1:2]),
            overdue_tasks=_count(overdue_tasks),
            overdue_items=_count(overdue_items),
        )
        .annotate(
            closed_12m=F("won_12m") + F("lost_12m"),
            won_x2=F("won_12m") * 2,
            won_x4=F("won_12m") * 4,
            overdue_work=F("overdue_tasks") + F("overdue_items"),
        )
        .annotate(
            activity=_score(
                When(last_registration__gte=now - timedelta(days=30), then=Value(20)),
                When(last_registration__gte=now - timedelta(days=90), then=Value(10)),
            ),
            wins=_score(
                When(closed_12m=0, then=Value(10)),
                When(won_x2__gte=F("closed_12m"), then=Value(20)),
                When(won_x4__gte=F("closed_12m"), then=Value(10)),
            ),
            satisfaction=_score(
                When(last_score__isnull=True, then=Value(10)),
                When(previous_score__gt=F("last_score"), then=Value(0)),
                When(last_score__gte=7, then=Value(20)),
                When(last_score__gte=1, then=Value(10)),
            ),
            overdue=_score(
                When(overdue_work=0, then=Value(20)),
                When(overdue_work__lte=2, then=Value(10)),
            ),
            stage_time=_score(When(stage_ok, then=Value(20)), When(stage_half, then=Value(10))),
        )
        .annotate(
            score=F("activity") + F("wins") + F("satisfaction") + F("overdue") + F("stage_time")
        )
        .order_by("score", "name", "id")
    )
    rows = []
    for p in qs[:limit]:
        parts = [
            {"key": key, "label": label, "points": getattr(p, key), "rule": rule}
            for key, label, rule in HEALTH_PARTS
        ]
        rows.append(
            {
                "partner": p,
                "score": p.score,
                "parts": parts,
                "explain": "; ".join(f"{x['label']} {x['points']}/20" for x in parts),
                "days_since_registration": (
                    (now - p.last_registration).days if p.last_registration else None
                ),
                "won_12m": p.won_12m,
                "closed_12m": p.closed_12m,
                "last_score": p.last_score,
                "previous_score": p.previous_score,
                "overdue_work": p.overdue_work,
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
