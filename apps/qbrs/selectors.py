"""Reads of the QBR app, with their joins decided once."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from apps.core import exits
from apps.core.params import query_id

from . import metrics
from .models import QBR, ActionItem, Status

parse_id = query_id  # kept for the callers in this app


# The manager's list: overdue first, then those being held, upcoming, completed, cancelled.
BUCKETS = {0: "Overdue", 1: "In progress", 2: "Upcoming", 3: "Completed", 4: "Cancelled"}


def qbrs_for(user) -> QuerySet[QBR]:
    """Every QBR the user may see: staff all, a partner user their company's (not cancelled)."""
    qs = QBR.objects.select_related("partner")
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id).exclude(status=Status.CANCELLED)
    return qs


def action_items_for(user) -> QuerySet[ActionItem]:
    qs = ActionItem.objects.select_related("qbr", "qbr__partner")
    if user.is_partner_user:
        return qs.filter(qbr__partner_id=user.partner_id).exclude(qbr__status=Status.CANCELLED)
    return qs


def manager_list(*, now: datetime) -> QuerySet[QBR]:
    """Overdue first, then those being held, upcoming, completed, cancelled (filters.QBRFilter
    narrows it)."""
    qs = QBR.objects.select_related("partner", "partner__manager", "partner__tier").annotate(
        bucket=Case(
            When(status=Status.SCHEDULED, scheduled_for__lt=now, then=Value(0)),
            When(status=Status.IN_PROGRESS, then=Value(1)),
            When(status=Status.SCHEDULED, then=Value(2)),
            When(status=Status.COMPLETED, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        open_at=Case(
            When(status__in=[Status.SCHEDULED, Status.IN_PROGRESS], then=F("scheduled_for")),
            default=None,
        ),
    )
    return qs.order_by("bucket", F("open_at").asc(nulls_last=True), "-completed_at", "-id")


def qbr_pages(user) -> QuerySet[QBR]:
    """QBRs with what their page shows joined: partner, manager, tier, action items."""
    return (
        qbrs_for(user)
        .select_related("partner__manager", "partner__tier")
        .prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.select_related("done_by"))
        )
    )


def quarter_points(qbr: QBR, live: dict | None) -> list[dict]:
    """Up to four quarters ending with this QBR's: for each earlier quarter the frozen figures of
    its last completed QBR, then this one's (frozen if completed, `live` if still open)."""
    # values(), not only(): a QBR instance reads its status on creation (concurrency guard).
    earlier = (
        QBR.objects.filter(partner_id=qbr.partner_id, status=Status.COMPLETED)
        .exclude(pk=qbr.pk)
        .filter(quarter__lt=qbr.quarter)
        .order_by("-quarter", "-completed_at")
        .values("quarter", "metrics", "satisfaction_score")[:12]  # a monthly cadence: 3 a quarter
    )
    latest: dict[str, dict] = {}
    for q in earlier:
        latest.setdefault(q["quarter"], q)
    points = [
        {
            "quarter": q["quarter"],
            "figures": (q["metrics"] or {}).get("figures", {}),
            "score": q["satisfaction_score"],
            "current": False,
        }
        for q in reversed(list(latest.values())[:3])
    ]
    mine = qbr.metrics if qbr.status == Status.COMPLETED else live
    if mine:
        points.append(
            {
                "quarter": qbr.quarter,
                "figures": mine.get("figures", {}),
                "score": qbr.satisfaction_score,
                "current": True,
            }
        )
    return points[-4:]


def live_metrics(qbr: QBR, now: datetime) -> dict | None:
    """An open QBR's figures so far (not frozen); None once completed or cancelled."""
    return metrics.snapshot(qbr, now) if qbr.is_open else None


def next_qbr(partner) -> QBR | None:
    """The partner's open QBR, if any (a partner or its id)."""
    return (
        QBR.objects.filter(partner=partner, status__in=[Status.SCHEDULED, Status.IN_PROGRESS])
        .order_by("scheduled_for")
        .first()
    )


def recent_qbrs(partner, *, limit: int = 5) -> list[QBR]:
    return list(QBR.objects.filter(partner=partner).order_by("-scheduled_for", "-id")[:limit])


def exit_preview(qbr: QBR, now: datetime) -> list[exits.Effect]:
    """What completing `qbr` with outcome exit would do to its partner: the partner's exit
    (apps.core.exits), less this QBR, which is completed rather than cancelled."""
    return [
        effect
        for effect in exits.preview(qbr.partner, now=now)
        if not (effect.app == "qbrs" and effect.object_id == qbr.pk)
    ]
