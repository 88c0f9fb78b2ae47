"""The figures a QBR reviews, computed by database aggregation for one partner and quarter.

Counts and sums come from one grouped query over the partner's registrations (grouped by
currency so that amounts are converted to the base currency, never added across currencies),
the median review time from one more, open tasks and overdue action items from one each.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, DurationField, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.postgresql.aggregates import Median
from apps.deals.models import DealRegistration
from apps.partners.models import Task
from apps.program.money import base_currency, to_base

from . import quarters
from .models import QBR, ActionItem, Status

FIGURES = [
    # key, label, kind (count / money / percent / hours)
    ("submitted", _("Registrations submitted"), "count"),
    ("approved", _("Registrations approved"), "count"),
    ("won", _("Registrations won"), "count"),
    ("lost", _("Registrations lost"), "count"),
    ("pipeline_value", _("Pipeline value (approved, open)"), "money"),
    ("won_value", _("Won value"), "money"),
    ("win_rate", _("Win rate"), "percent"),
    ("median_review_hours", _("Median review time (hours)"), "hours"),
    ("tasks_open", _("Open tasks"), "count"),
    ("action_items_overdue", _("Overdue action items"), "count"),
]


def _hours(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


def _registration_figures(
    partner, start: datetime, end: datetime, base: str, now: datetime
) -> dict:
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (
        DealRegistration.objects.filter(partner=partner)
        .values("currency")
        .annotate(
            submitted=Count("id", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
            approved=Count("id", filter=Q(approved_at__gte=start, approved_at__lt=end)),
            won=Count("id", filter=closed & Q(status="won")),
            lost=Count("id", filter=closed & Q(status="lost")),
            won_value=Sum(
                Coalesce("actual_value", "estimated_value"), filter=closed & Q(status="won")
            ),
            pipeline_value=Sum("estimated_value", filter=Q(status="approved")),
        )
        .order_by("currency")
    )
    figures: dict = {"submitted": 0, "approved": 0, "won": 0, "lost": 0}
    figures["unconverted_currencies"] = []
    won_value = pipeline = Decimal("0")
    # Amounts are converted at the rate in force on the quarter's last day (or today, while it
    # runs); a currency without a rate is named, never counted as zero.
    on_date = timezone.localtime(min(end - timedelta(microseconds=1), now)).date()
    for row in rows:
        for key in ("submitted", "approved", "won", "lost"):
            figures[key] += row[key]
        for key, amount in (
            ("won_value", row["won_value"]),
            ("pipeline_value", row["pipeline_value"]),
        ):
            if not amount:
                continue
            converted = to_base(amount, row["currency"], on_date, base=base)
            if converted is None:
                if row["currency"] not in figures["unconverted_currencies"]:
                    figures["unconverted_currencies"].append(row["currency"])
                continue
            if key == "won_value":
                won_value += converted
            else:
                pipeline += converted
    figures["won_value"] = str(won_value.quantize(Decimal("0.01")))
    figures["pipeline_value"] = str(pipeline.quantize(Decimal("0.01")))
    decided = figures["won"] + figures["lost"]
    figures["win_rate"] = round(100 * figures["won"] / decided, 1) if decided else None
    figures["median_review_hours"] = _median_review_hours(partner, start, end)
    return figures


def _median_review_hours(partner, start: datetime, end: datetime) -> float | None:
    reviewed = DealRegistration.objects.filter(
        partner=partner,
        reviewed_at__gte=start,
        reviewed_at__lt=end,
        submitted_at__isnull=False,
    )
    result = reviewed.aggregate(
        median=Median(F("reviewed_at") - F("submitted_at"), output_field=DurationField())
    )["median"]
    return _hours(result)


def _tasks_open(partner) -> int:
    return Task.objects.filter(partner=partner, done=False).count()


def _action_items_overdue(partner, now: datetime) -> int:
    today = timezone.localtime(now).date()
    return ActionItem.objects.filter(qbr__partner=partner, done=False, due_date__lt=today).count()


def figures_for(partner, quarter: str, now: datetime) -> dict:
    """The quarter's figures as of `now` (a quarter still running counts up to now)."""
    start, end = quarters.bounds(quarter)
    base = base_currency()
    figures = _registration_figures(partner, start, end, base, now)
    figures["tasks_open"] = _tasks_open(partner)
    figures["action_items_overdue"] = _action_items_overdue(partner, now)
    figures["currency"] = base
    return figures


def snapshot(qbr, now: datetime) -> dict:
    """What a QBR freezes at completion: its quarter's figures and the previous QBR's."""
    previous = (
        QBR.objects.filter(partner_id=qbr.partner_id, status=Status.COMPLETED)
        .exclude(pk=qbr.pk)
        .filter(Q(quarter__lt=qbr.quarter) | Q(quarter=qbr.quarter, completed_at__lt=now))
        .order_by("-quarter", "-completed_at")
        .values("id", "quarter", "metrics")
        .first()
    )
    return {
        "quarter": qbr.quarter,
        "taken_at": now.isoformat(),
        "figures": figures_for(qbr.partner, qbr.quarter, now),
        "previous": (
            {
                "qbr": previous["id"],
                "quarter": previous["quarter"],
                "figures": (previous["metrics"] or {}).get("figures", {}),
            }
            if previous
            else None
        ),
    }


def rows(metrics: dict) -> list[dict]:
    """The figures beside the previous QBR's, for display."""
    figures = (metrics or {}).get("figures") or {}
    previous = ((metrics or {}).get("previous") or {}).get("figures") or {}
    return [
        {
            "key": key,
            "label": label,
            "kind": kind,
            "value": figures.get(key),
            "previous": previous.get(key),
            "change": _change(figures.get(key), previous.get(key)),
        }
        for key, label, kind in FIGURES
    ]


def _change(value, previous) -> str:
    try:
        delta = Decimal(str(value)) - Decimal(str(previous))
    except (InvalidOperation, TypeError, ValueError):  # a figure that is not a number (None)
        return ""
    if delta == 0:
        return "same"
    return "up" if delta > 0 else "down"
