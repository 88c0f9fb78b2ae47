"""Periods and allocations: the budget cannot be over-allocated; a tier rule is previewed, then
written once, by the same function."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.deals.models import DealRegistration
from apps.funds.models import FundAllocation, FundPeriod, Movement
from apps.funds.services import allocate_by_rule, allocation_create
from apps.partners.models import Stage
from apps.program.models import ExchangeRate
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory, TierFactory

from .factories import period

pytestmark = pytest.mark.django_db
DEADLINE = timezone.localdate() + timedelta(days=120)


def test_the_budget_cannot_be_over_allocated(alice, acme, globex):
    p = period("10000.00")
    allocation_create(
        period=p, partner=acme, amount="6000", currency="EUR", claim_deadline=DEADLINE,
        actor=alice,
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        allocation_create(
            period=p, partner=globex, amount="4000.01", currency="EUR", claim_deadline=DEADLINE,
            actor=alice,
        )  # fmt: skip
    assert refused.value.code == "over_allocated"
    assert "€4,000.01 asked, €4,000.00 of €10,000.00 left" in refused.value.detail
    allocation_create(
        period=p, partner=globex, amount="4000", currency="EUR", claim_deadline=DEADLINE,
        actor=alice,
    )  # fmt: skip
    p.refresh_from_db()
    assert p.allocated_base == p.budget == Decimal("10000.00")


def test_the_database_holds_the_budget_whoever_writes(alice, acme):
    p = period("100.00")
    with pytest.raises(IntegrityError, match="fund_period_within_budget"), transaction.atomic():
        FundPeriod.objects.filter(pk=p.pk).update(allocated_base=Decimal("100.01"))


def test_an_allocation_in_another_currency_counts_at_the_rate_in_force(alice, acme, globex):
    p = period("1000.00")
    ExchangeRate.objects.create(
        currency="USD", rate_to_base=Decimal("0.5"), effective_date=timezone.localdate()
    )
    a = allocation_create(
        period=p, partner=acme, amount="2000", currency="usd", claim_deadline=DEADLINE, actor=alice
    )
    assert (a.currency, a.amount_base, a.allocated) == (
        "USD",
        Decimal("1000.00"),
        Decimal("2000.00"),
    )
    with pytest.raises(InvalidInput) as no_rate:
        allocation_create(
            period=p, partner=globex, amount="1", currency="JPY", claim_deadline=DEADLINE,
            actor=alice,
        )  # fmt: skip
    assert "No exchange rate" in no_rate.value.errors["currency"][0]


def test_only_admins_allocate_and_one_allocation_per_partner_and_period(alice, bob, acme):
    p = period()
    with pytest.raises(NotPermitted):
        allocation_create(
            period=p, partner=acme, amount="1", currency="EUR", claim_deadline=DEADLINE, actor=bob
        )
    allocation_create(
        period=p, partner=acme, amount="1", currency="EUR", claim_deadline=DEADLINE, actor=alice
    )
    with pytest.raises(InvalidInput):
        allocation_create(
            period=p, partner=acme, amount="1", currency="EUR", claim_deadline=DEADLINE,
            actor=alice,
        )  # fmt: skip


def _won(partner, value: str):
    reg = RegistrationFactory(partner=partner, currency="EUR", estimated_value=Decimal(value))
    DealRegistration.objects.filter(pk=reg.pk).update(
        status="won", closed_at=timezone.now() - timedelta(days=30)
    )


def test_a_tier_rule_is_previewed_then_written_once(alice):
    gold, silver = TierFactory(name="Gold"), TierFactory(name="Silver")
    a = PartnerFactory(name="Alpha", stage=Stage.GROWTH, tier=gold)
    b = PartnerFactory(name="Beta", stage=Stage.GROWTH, tier=silver)
    PartnerFactory(name="Gamma", stage=Stage.GROWTH, tier=None)  # no tier: nothing
    _won(a, "100000.00")
    _won(b, "50000.00")
    p = period("10000.00")
    rule = {gold.pk: "2", silver.pk: "1"}
    preview = allocate_by_rule(
        period=p, percents=rule, claim_deadline=DEADLINE, actor=alice, write=False
    )
    shown = [(r.partner.name, r.amount) for r in preview.rows]
    assert shown == [("Alpha", Decimal("2000.00")), ("Beta", Decimal("500.00"))]
    assert preview.total == Decimal("2500.00") and preview.fits
    assert not FundAllocation.objects.exists() and not Movement.objects.exists()
    written = allocate_by_rule(
        period=p, percents=rule, claim_deadline=DEADLINE, actor=alice, write=True
    )
    assert [(r.partner.name, r.amount) for r in written.rows] == shown  # what was shown
    assert written.written == 2
    again = allocate_by_rule(
        period=p, percents=rule, claim_deadline=DEADLINE, actor=alice, write=True
    )
    assert again.written == 0 and all(r.already for r in again.rows)
    assert FundAllocation.objects.filter(period=p).count() == 2
    assert Movement.objects.filter(kind="allocated").count() == 2
    p.refresh_from_db()
    assert p.allocated_base == Decimal("2500.00")


def test_a_tier_rule_past_the_budget_writes_nothing(alice):
    gold = TierFactory(name="Gold")
    a = PartnerFactory(stage=Stage.GROWTH, tier=gold)
    _won(a, "100000.00")
    p = period("100.00")
    with pytest.raises(DomainError) as refused:
        allocate_by_rule(
            period=p, percents={gold.pk: "2"}, claim_deadline=DEADLINE, actor=alice, write=True
        )
    assert refused.value.code == "over_allocated"
    assert not FundAllocation.objects.exists()
