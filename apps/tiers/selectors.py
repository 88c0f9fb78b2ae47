from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from apps.deals.figures import Figures
from apps.program.models import ExchangeRate, Tier
from apps.program.money import base_currency
from apps.program.stages import Stage

from .models import ProposalStatus, TierChange, TierProposal
from .services import figures_for


def tiers() -> QuerySet[Tier]:
    return Tier.objects.order_by("rank")


def proposals(
    status: str = ProposalStatus.OPEN, among: QuerySet[TierProposal] | None = None
) -> QuerySet[TierProposal]:
    """The proposals of a status (of `among`, a filtered list, when given), as the queue
    orders them."""
    qs = (TierProposal.objects.all() if among is None else among).select_related(
        "partner", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    if status == ProposalStatus.OPEN:
        return qs.order_by("created_at", "id")  # oldest first: the queue
    return qs.order_by("-decided_at", "-id")


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("currency", "-effective_date")


def tier_history(partner, limit: int = 20) -> list[TierChange]:
    return list(
        TierChange.objects.filter(partner=partner)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def _bar(have, need, *, count: bool = False) -> dict:
    need = Decimal(need)
    have = Decimal(have)
    percent = 100 if need <= 0 else min(100, int(have * 100 / need))
    missing = max(Decimal(0), need - have)
    return {
        "have": have,
        "need": need,
        # A count of deals or people is a whole number: the pages choose its plural by it.
        "missing": int(missing) if count else missing,
        "percent": percent,
        "met": have >= need,
    }


def tier_progress(partner, now: datetime | None = None, *, base: str | None = None) -> dict:
    """The partner's tier, its benefits, and how far it is from the next tier — for the portal
    and the partner detail. Three queries: the tiers, the settings, one aggregation."""
    now = now or timezone.now()
    all_tiers = list(tiers())
    current = next((t for t in all_tiers if t.pk == partner.tier_id), None)
    rank = current.rank if current else 0
    # An exited partner is on its way to no tier: no progress bars, no "below its tier".
    active = partner.stage != Stage.EXITED
    next_tier = next((t for t in all_tiers if t.rank > rank), None) if active else None
    figures: Figures = figures_for(partner, now, base=base)
    progress = None
    if next_tier is not None:
        value = _bar(figures.won_value, next_tier.min_won_value)
        deals = _bar(figures.won_deals, next_tier.min_won_deals, count=True)
        people = _bar(figures.certified_people, next_tier.min_certified_people, count=True)
        progress = {
            "tier": next_tier,
            "value": value,
            "deals": deals,
            "people": people,
            "met": value["met"] and deals["met"] and people["met"],
        }
    return {
        "partner": partner,
        "tier": current,
        "next": progress,
        "tiers": all_tiers,
        "figures": figures,
        "short_of_current": active and current is not None and not figures.meets(current),
        "base_currency": figures.base,
    }


__all__ = ["base_currency", "exchange_rates", "proposals", "tier_history", "tier_progress", "tiers"]
