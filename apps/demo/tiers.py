"""Demo tiers: exchange rates for EUR and GBP, Northwind's tier history, and Contoso's business
over the last year earning it an open promotion proposal (Bronze → Silver) to approve."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.deals.models import DealRegistration, Status
from apps.deals.normalize import normalize_domain
from apps.program.models import ExchangeRate, Tier
from apps.tiers.models import Direction, TierChange, TierProposal
from apps.tiers.services import figures_for, qualifying_tier

from .deals import contact_for

RATES = [
    # currency, 1 unit in USD, effective days ago
    ("EUR", "1.08", 400),
    ("EUR", "1.10", 30),
    ("GBP", "1.27", 400),
    ("GBP", "1.25", 30),
]

# Contoso's further wins (customer, domain, currency, value, closed days ago)
CONTOSO_WINS = [
    ("Fourth Coffee", "fourthcoffee.com", "GBP", "42000", 200),
    ("Lucerne Publishing", "lucernepublishing.com", "GBP", "38000", 150),
    ("Margie's Travel", "margiestravel.com", "EUR", "35000", 95),
    ("Relecloud", "relecloud.com", "USD", "60000", 20),
]


def _won(partner, customer, domain, currency, value, *, days_ago, manager, now):

    closed = now - timedelta(days=days_ago)
    domain = normalize_domain(domain)
    return DealRegistration.objects.create(
        partner=partner,
        status=Status.WON,
        customer_name=customer,
        customer_domain=domain,
        customer_country="GB",
        contact_name=contact_for(customer, "GB", domain)[0],
        contact_email=contact_for(customer, "GB", domain)[1],
        product="Analytics suite",
        estimated_value=Decimal(value),
        actual_value=Decimal(value),
        currency=currency,
        expected_close_date=closed.date(),
        description=f"{customer} bought our analytics suite.",
        submitted_at=closed - timedelta(days=40),
        reviewed_at=closed - timedelta(days=39),
        reviewed_by=manager,
        approved_at=closed - timedelta(days=39),
        expires_at=closed + timedelta(days=50),
        closed_at=closed,
    )


def seed(ctx: dict) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    for currency, rate, days_ago in RATES:
        ExchangeRate.objects.get_or_create(
            currency=currency,
            effective_date=today - timedelta(days=days_ago),
            defaults={"rate_to_base": Decimal(rate)},
        )
    tiers = {t.name: t for t in Tier.objects.order_by("rank")}
    manager = ctx.get("manager")
    northwind, contoso = ctx.get("northwind"), ctx.get("contoso")

    if northwind is not None and tiers.get("Silver") and tiers.get("Bronze"):
        TierChange.objects.create(
            partner=northwind,
            from_tier=tiers["Bronze"],
            to_tier=tiers["Silver"],
            from_tier_name="Bronze",
            to_tier_name="Silver",
            direction=Direction.PROMOTION,
            actor=manager,
            reason="Promoted at the annual partner review.",
            figures={"won_value": "310000.00", "won_deals": 6, "base_currency": "USD"},
            at=now - timedelta(days=200),
        )

    if contoso is None or not tiers:
        return
    for customer, domain, currency, value, days_ago in CONTOSO_WINS:
        _won(
            contoso, customer, domain, currency, value, days_ago=days_ago, manager=manager, now=now
        )
    figures = figures_for(contoso, now)
    target = qualifying_tier(figures, sorted(tiers.values(), key=lambda t: -t.rank))
    current = contoso.tier
    if target is None or (current is not None and target.rank <= current.rank):
        return
    snapshot = figures.as_json()
    snapshot["qualifying_tier"] = target.name
    snapshot["requirements"] = {
        "tier": target.name,
        "min_won_value": str(target.min_won_value),
        "min_won_deals": target.min_won_deals,
    }
    TierProposal.objects.create(
        partner=contoso,
        current_tier=current,
        proposed_tier=target,
        current_tier_name=current.name if current else "",
        proposed_tier_name=target.name,
        direction=Direction.PROMOTION,
        figures=snapshot,
        created_at=now - timedelta(hours=6),
    )
