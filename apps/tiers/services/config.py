"""Tier configuration: the bounds and rules across tiers (deleting a tier: deletion.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from apps.program.models import Tier

# Sensible bounds for tier configuration, shared by the settings page, the API and Django admin:
# the whole numbers, and the amounts.
COUNT_BOUNDS: dict[str, tuple[int, int]] = {
    "rank": (1, 100),
    "min_won_deals": (0, 100_000),
    "min_certified_people": (0, 1000),
    "protection_days": (1, 365),
    "qbr_cadence_months": (1, 12),
}
AMOUNT_BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "min_won_value": (Decimal("0"), Decimal("999999999999.99")),
    "discount_percent": (Decimal("0"), Decimal("100")),
    "rebate_percent": (Decimal("0"), Decimal("100")),
}
NAME_MAX = 60
DESCRIPTION_MAX = 2000


def tier_config_errors(
    *,
    instance: Tier | None,
    name: str,
    rank: int,
    min_won_value: Decimal,
    min_won_deals: int,
    min_certified_people: int = 0,
) -> dict[str, list[str]]:
    """Rules across tiers: a unique name and rank, and requirements that never decrease as the
    rank rises (a higher tier asks at least as much as every lower one)."""
    tiers = Tier.objects.order_by("rank")
    others = list(tiers.exclude(pk=instance.pk) if instance is not None else tiers)
    errors: dict[str, list[str]] = {}
    if any(t.name.casefold() == name.casefold() for t in others):
        errors.setdefault("name", []).append(_("Another tier already has this name."))
    same_rank = next((t for t in others if t.rank == rank), None)
    if same_rank is not None:
        errors.setdefault("rank", []).append(
            _("%(tier)s already has rank %(rank)s.") % {"tier": same_rank.name, "rank": rank}
        )
        return errors
    lower = [t for t in others if t.rank < rank]
    higher = [t for t in others if t.rank > rank]
    below = lower[-1] if lower else None
    above = higher[0] if higher else None
    for fld, value, unit in (
        ("min_won_value", min_won_value, _("won value")),
        ("min_won_deals", min_won_deals, _("won deals")),
        ("min_certified_people", min_certified_people, _("certified people")),
    ):
        if below is not None and value < getattr(below, fld):
            errors.setdefault(fld, []).append(
                _(
                    "Must be at least %(value)s: %(tier)s (rank %(rank)s) already requires that "
                    "much %(unit)s, and a higher tier never asks for less."
                )
                % {
                    "value": getattr(below, fld),
                    "tier": below.name,
                    "rank": below.rank,
                    "unit": unit,
                }
            )
        if above is not None and value > getattr(above, fld):
            errors.setdefault(fld, []).append(
                _(
                    "Must be at most %(value)s: %(tier)s (rank %(rank)s) requires only that much "
                    "%(unit)s, and a lower tier never asks for more."
                )
                % {
                    "value": getattr(above, fld),
                    "tier": above.name,
                    "rank": above.rank,
                    "unit": unit,
                }
            )
    return errors
