from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from apps.deals.models import Status
from apps.program.models import ExchangeRate, Tier
from apps.tiers.models import Direction, TierProposal
from tests.deals.factories import RegistrationFactory


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = "EUR"
    rate_to_base = Decimal("1.10")
    effective_date = date(2020, 1, 1)


def won(
    partner,
    value,
    *,
    closed_at,
    currency: str = "USD",
    actual: bool = True,
    estimated=None,
    **kwargs,
):
    """A won registration of `partner`, closed at `closed_at`, worth `value` in `currency`
    (its actual value; with actual=False, only estimated)."""
    value = Decimal(str(value))
    return RegistrationFactory(
        partner=partner,
        status=Status.WON,
        currency=currency,
        estimated_value=Decimal(str(estimated)) if estimated is not None else value,
        actual_value=value if actual else None,
        reviewed_at=closed_at,
        approved_at=closed_at,
        expires_at=closed_at,
        closed_at=closed_at,
        submitted_at=closed_at,
        **kwargs,
    )


class TierProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TierProposal

    direction = Direction.PROMOTION
    figures = factory.LazyFunction(
        lambda: {"won_value": "300000.00", "won_deals": 6, "base_currency": "USD"}
    )
    created_at = factory.LazyFunction(timezone.now)
    current_tier_name = factory.LazyAttribute(
        lambda p: p.current_tier.name if p.current_tier else ""
    )
    proposed_tier_name = factory.LazyAttribute(
        lambda p: p.proposed_tier.name if p.proposed_tier else ""
    )


TIERS = [
    # name, rank, won value, won deals, protection days, discount %, QBR cadence months
    ("Bronze", 1, "0", 0, 90, "0", 6),
    ("Silver", 2, "250000", 5, 120, "10", 3),
    ("Gold", 3, "1000000", 15, 180, "20", 1),
]


def make_tiers() -> dict[str, Tier]:
    """Exactly the three tiers above, whatever the database held: {name: Tier}."""
    Tier.objects.exclude(name__in=[t[0] for t in TIERS]).delete()
    made = {}
    for name, rank, value, deals, protection, discount, cadence in TIERS:
        Tier.objects.filter(rank=rank).exclude(name=name).delete()
        made[name], _ = Tier.objects.update_or_create(
            name=name,
            defaults=dict(
                rank=rank,
                min_won_value=Decimal(value),
                min_won_deals=deals,
                protection_days=protection,
                discount_percent=Decimal(discount),
                qbr_cadence_months=cadence,
                description=f"{name} benefits.",
            ),
        )
    return made
