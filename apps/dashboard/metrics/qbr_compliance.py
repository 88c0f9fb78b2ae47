"""The QBR figures: compliance with each tier's cadence, overdue QBRs, growth ⇄ evaluation loops."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q

from apps.partners.models import Partner, Stage, StageHistory
from apps.program.models import Tier
from apps.qbrs.models import QBR
from apps.qbrs.models import Status as QBRStatus

from .common import _partners, _rate, _via_partner, window

LOOP_STAGES = (Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
DEFAULT_CADENCE_MONTHS = 3


def qbrs(now: datetime, days: int, manager=None, limit: int = 10) -> dict:
    """Compliance (partners in growth/evaluation/expansion with a QBR completed within their
    tier's cadence), overdue QBRs, and the growth ⇄ evaluation loops per partner. Five queries."""
    w = window(now, days)
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
