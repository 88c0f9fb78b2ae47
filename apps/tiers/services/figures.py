"""A partner's won business for the tiers: the figures themselves are the deals app's
(apps/deals/figures.py, shared with the funds' tier rules); its certified people are the
enablement app's."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from apps.deals.figures import Figures, window_start, won_figures
from apps.enablement.selectors import certified_people_by_partner
from apps.program.models import Tier
from apps.program.money import base_currency


def figures_for(partner, now: datetime | None = None, *, base: str | None = None) -> Figures:
    now = now or timezone.now()
    base = (base or base_currency()).upper()
    figures = won_figures([partner.pk], now, base=base).get(partner.pk) or Figures(
        base=base, start=window_start(now), end=now
    )
    figures.certified_people = certified_people_by_partner([partner.pk]).get(partner.pk, 0)
    return figures


def qualifying_tier(figures: Figures, tiers_by_rank_desc: list[Tier]) -> Tier | None:
    return next((t for t in tiers_by_rank_desc if figures.meets(t)), None)
