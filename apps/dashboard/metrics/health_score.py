"""The partner health score: five signals per active partner, lowest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models import Window as Over
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegStatus
from apps.partners.models import ACTIVE_STAGES, Partner, Task
from apps.qbrs.models import QBR, ActionItem
from apps.qbrs.models import Status as QBRStatus

from .common import _cutoffs, _partners, _via_partner, stage_names

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
