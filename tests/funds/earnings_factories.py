"""Earnings factories: a tier with a rebate, a registration won through the deals app's one
transition service (so the won event is the real one), a partner user of a role."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from apps.accounts.models import PartnerRole
from apps.deals.models import DealRegistration
from apps.deals.services import registration_transition
from apps.partners.models import Stage
from apps.program.models import Tier
from tests.deals.factories import RegistrationFactory
from tests.factories import ManagerFactory, PartnerFactory, PartnerUserFactory


def rebate_tier(percent: str = "5", name: str = "Rebate tier") -> Tier:
    rank = (Tier.objects.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
    return Tier.objects.create(name=name, rank=rank, rebate_percent=Decimal(percent))


def earning_partner(name: str, percent: str = "5", **kwargs):
    tier = rebate_tier(percent, name=f"{name} tier")
    return PartnerFactory(name=name, stage=Stage.GROWTH, tier=tier, **kwargs)


def user_of(partner, role: str = PartnerRole.FINANCE):
    return PartnerUserFactory(partner=partner, partner_role=role)


def won(
    partner,
    value: str = "10000.00",
    *,
    currency: str = "USD",
    now: datetime | None = None,
    manager=None,
) -> DealRegistration:
    """Approved, then marked won through the service (the event is sent after commit)."""
    registration = RegistrationFactory(partner=partner, approved=True, currency=currency)
    return registration_transition(
        registration=registration,
        name="mark_won",
        actor=manager or ManagerFactory(),
        now=now,
        actual_value=Decimal(value),
    )
