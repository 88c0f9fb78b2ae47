"""The QBR figures: compliance with each tier's cadence, overdue QBRs, growth ⇄ evaluation loops."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q

from apps.partners.models import Partner, Stage, StageHistory
from apps.program.models import Tier
from apps.qbrs.models import QBR
from apps.qbrs.models import Status as QBRStatus

from .common import Window, _partners, _rate, _via_partner, window
from .stages import evaluation_loops

LOOP_STAGES = (Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
DEFAULT_CADENCE_MONTHS = 3


def qbrs(now: datetime, period: int | Window, manager=None, limit: int = 10) -> dict:
    """Compliance (partners in growth/evaluation/expansion with a QBR completed within their
    tier's cadence), overdue QBRs, and the growth ⇄ evaluation loops per partner (the loops of
    the period are the funnel's: its Evaluation → Growth step). Five queries."""
    w = window(now, period)
    tiers = {t.pk: now - relativedelta(months=t.qbr_cadence_months) for t in Tier.objects.all()}

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
    compliant = Q(
        Q(tier__isnull=True), completed_since(now - relativedelta(months=DEFAULT_CADENCE_MONTHS))
    )
    for pk, cutoff in tiers.items():
        compliant |= Q(Q(tier_id=pk), completed_since(cutoff))
    agg = Partner.objects.filter(_partners(manager), stage__in=LOOP_STAGES).aggregate(
        total=Count("id"), compliant=Count("id", filter=compliant)
    )
    overdue = QBR.objects.filter(
        _via_partner(manager), status=QBRStatus.SCHEDULED, scheduled_for__lt=now
    ).count()
    # Loops all time: every evaluation → growth move up to the period's end. In the period: the
    # funnel's own rows (stages.evaluation_loops), so the two cards count the same loops.
    loops = StageHistory.objects.filter(
        _via_partner(manager), from_stage=Stage.EVALUATION, to_stage=Stage.GROWTH, at__lte=w.end
    )
    top = list(
        loops.values("partner_id", "partner__name")
        .annotate(total=Count("id"))
        .order_by("-total", "partner__name", "partner_id")[:limit]
    )
    in_period = dict(
        evaluation_loops(w, manager)
        .filter(partner_id__in=[r["partner_id"] for r in top])
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
        .order_by()
    )
    return {
        "in_loop": agg["total"],
        "compliant": agg["compliant"],
        "compliance": _rate(agg["compliant"], agg["total"]),
        "overdue": overdue,
        "top_loops": [
            {
                "partner_id": r["partner_id"],
                "name": r["partner__name"],
                "total": r["total"],
                "in_period": in_period.get(r["partner_id"], 0),
            }
            for r in top
        ],
    }
