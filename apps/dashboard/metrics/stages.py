"""The lifecycle figures: the stage funnel, time in stage, bottlenecks, onboarding."""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.partners.models import Partner, Stage, StageHistory

from ..stats import days_between, db_datetime, grouped_percentiles, queryset_percentiles
from .common import (
    Window,
    _cutoffs,
    _days,
    _partners,
    _rate,
    _via_partner,
    stage_names,
    window,
)

# The steps of the lifecycle whose conversion the funnel shows.
STEPS = [
    (Stage.RECRUITMENT, Stage.ONBOARDING),
    (Stage.ONBOARDING, Stage.GROWTH),
    (Stage.GROWTH, Stage.EVALUATION),
    (Stage.EVALUATION, Stage.GROWTH),
    (Stage.EVALUATION, Stage.EXPANSION),
    (Stage.EXPANSION, Stage.GROWTH),
]


def stays_begun(w: Window, manager=None):
    """The stays begun in the period: a history row opens a stay in its to_stage, annotated
    with `next_to`, the stage the partner's next row (by the period's end) moved it to — None
    while the stay goes on (ties on `at` are broken by id, as the history is ordered). The
    funnel's conversion and the QBR card's loops are both counted from these rows, so they
    cannot disagree."""
    later = StageHistory.objects.filter(partner_id=OuterRef("partner_id"), at__lte=w.end).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    return StageHistory.objects.filter(
        _via_partner(manager), at__gte=w.start, at__lte=w.end
    ).annotate(next_to=Subquery(later.order_by("at", "id").values("to_stage")[:1]))


def evaluation_loops(w: Window, manager=None):
    """The growth ⇄ evaluation loops closed from the period: evaluations begun in the period
    that have gone back to growth by its end (the funnel's Evaluation → Growth "moved on")."""
    return stays_begun(w, manager).filter(to_stage=Stage.EVALUATION, next_to=Stage.GROWTH)


# A little over 60 lines: the funnel's steps and their conversion are one aggregate and its
# reading; kept together so the step definitions and the SQL cannot drift apart.
# --- the stage funnel -------------------------------------------------------------------------
def stage_funnel(now: datetime, period: int | Window, manager=None) -> dict:
    """Partners per stage now; for each lifecycle step, the stays begun in the period and how
    many of them have moved on to the next stage by the period's end (cohort conversion); and
    the same per stage (`stages`: each stage once, with where its stays went). Three queries."""
    w = window(now, period)
    counts = {s.value: 0 for s in Stage}
    for row in Partner.objects.filter(_partners(manager)).values("stage").annotate(n=Count("id")):
        counts[row["stage"]] = row["n"]

    entries = stays_begun(w, manager).values("to_stage", "next_to").annotate(n=Count("id"))
    outcomes: dict[str, dict[str | None, int]] = {}
    for row in entries.order_by():
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
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "steps": steps,
        "stages": _by_stage(steps),
    }


def _by_stage(steps: list[dict]) -> list[dict]:
    """The steps folded into one row per stage left (evaluation has two ways on): entered =
    moved on + exited + still there + elsewhere, each stay counted once."""
    rows: dict[str, dict] = {}
    for step in steps:
        row = rows.setdefault(
            step["from"],
            {
                "stage": step["from"],
                "entered": step["entered"],
                "exited": step["exited"],
                "still": step["still"],
                "moves": [],
            },
        )
        row["moves"].append({"to": step["to"], "n": step["moved"]})
    for row in rows.values():
        row["moved"] = sum(m["n"] for m in row["moves"])
        row["elsewhere"] = row["entered"] - row["moved"] - row["exited"] - row["still"]
        row["rate"] = _rate(row["moved"], row["entered"])
    return list(rows.values())


# --- time in stage and bottlenecks ------------------------------------------------------------
def _stays_sql(now: datetime, start: datetime, end: datetime, manager) -> tuple[str, list]:
    """(g: stage, v: days) of every stay that ended in the period plus every current stay.

    A completed stay is a history row (it ends the stay in its from_stage) and began at the
    partner's previous row — LAG over the partner's history — or, for the first row, when the
    partner was created. Exited partners have no stay to measure.
    """
    history = StageHistory._meta.db_table
    partners = Partner._meta.db_table
    mine = " AND p.manager_id = %s" if manager is not None else ""
    # PostgreSQL must be told the parameter's type in `parameter - timestamptz`.
    now_param = "CAST(%s AS timestamptz)"
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
    """  # noqa: S608 — table names from _meta; values are parameters
    params = [db_datetime(start), db_datetime(end), *mine_params, db_datetime(now), *mine_params]
    return sql, params


def time_in_stage(now: datetime, period: int | Window, manager=None) -> list[dict]:
    """Median and 90th percentile days per stage, over the stays that ended in the period and
    the stays still running, against each stage's target. Two queries."""
    names = stage_names()
    w = window(now, period)
    sql, params = _stays_sql(now, w.start, w.end, manager)
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
def onboarding(now: datetime, period: int | Window, manager=None) -> dict:
    """Ramp time (onboarding start → first approved registration) of the partners whose first
    approval fell in the period; on-time completion of onboardings completed in the period;
    partners at risk now (in onboarding past their due date). Two queries."""
    w = window(now, period)
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
