"""Changing the program's base currency: what it affects, computed once as a `BaseCurrencyPlan`
that the confirmation page shows and `base_currency_change` applies — so the page states exactly
what the change does.

Money kept "in the base currency" is the tier thresholds (Tier.min_won_value) and every exchange
rate (quoted as base units per unit of its currency). Switching the base without converting
them would relabel "50,000 USD" as "50,000 EUR". The plan converts the thresholds at one stated
rate (the latest rate of the new currency, or one the admin enters) and re-quotes each exchange
rate in the new base with the new currency's rate in force on its date (the stated rate where
none was in force yet). With something to convert and no rate, there is no plan: the figures
would become meaningless. Fund periods and earnings keep the currency they were made in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import iso
from apps.core.errors import ConcurrentChange, DomainError, InvalidInput
from apps.core.events import send_after_commit

from . import events
from .models import ExchangeRate, ProgramSettings, Tier
from .services import _admin

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.00000001")


@dataclass(frozen=True)
class ThresholdChange:
    tier: str
    tier_pk: int
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class RateChange:
    rate_pk: int
    old_currency: str
    new_currency: str
    effective_date: date
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class BaseCurrencyPlan:
    old: str
    new: str
    # 1 unit of `new` is worth `rate` units of `old`; None when nothing needs converting.
    rate: Decimal | None
    rate_source: str  # "latest" (the exchange rate of `rate_date`), "entered", or ""
    rate_date: date | None
    thresholds: list[ThresholdChange] = field(default_factory=list)
    rates: list[RateChange] = field(default_factory=list)

    @property
    def converts_anything(self) -> bool:
        return bool(self.thresholds or self.rates)

    @property
    def fingerprint(self) -> str:
        """What the admin was shown: the change refuses to apply another plan."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]


class NoRate(DomainError):
    code = "no_exchange_rate"


def _latest_rate(currency: str) -> ExchangeRate | None:
    return ExchangeRate.objects.filter(currency=currency).order_by("-effective_date").first()


def base_currency_plan(new: str, *, rate: Decimal | None = None) -> BaseCurrencyPlan:
    """What switching the base currency to `new` does, at `rate` (1 `new` = `rate` old) or, when
    none is given, at the latest exchange rate of `new`. Raises InvalidInput for a code that is
    not a currency or a bad rate, NoRate when something must be converted and no rate exists."""
    new = (new or "").strip().upper()
    if new not in iso.CURRENCY_CODES:
        raise InvalidInput({"base_currency": [iso.CURRENCY_ERROR % {"value": new or "—"}]})
    if rate is not None and rate <= 0:
        raise InvalidInput({"rate": [_("An exchange rate is a positive number.")]})
    old = ProgramSettings.get().base_currency.upper()
    if new == old:
        raise InvalidInput(
            {"base_currency": [_("%(code)s is the base currency already.") % {"code": new}]}
        )
    tiers = list(Tier.objects.filter(min_won_value__gt=0).order_by("rank"))
    existing = list(ExchangeRate.objects.order_by("currency", "effective_date"))
    source, rate_date = ("entered", None) if rate is not None else ("", None)
    if rate is None:
        latest = _latest_rate(new)
        if latest is not None:
            rate, source, rate_date = latest.rate_to_base, "latest", latest.effective_date
    if rate is None:
        if tiers or existing:
            raise NoRate(
                _(
                    "There is no exchange rate for %(new)s, so the tier thresholds and exchange "
                    "rates in %(old)s cannot be converted: kept as they are, their figures would "
                    "become meaningless. Add a %(new)s rate under Exchange rates, or enter the "
                    "rate to use here."
                )
                % {"new": new, "old": old}
            )
        return BaseCurrencyPlan(old=old, new=new, rate=None, rate_source="", rate_date=None)
    thresholds = [
        ThresholdChange(
            tier=t.name,
            tier_pk=t.pk,
            old=t.min_won_value,
            new=(t.min_won_value / rate).quantize(CENT),
        )
        for t in tiers
    ]
    # The new currency's own rates, by date: each re-quotes the rates in force beside it.
    new_rates = [r for r in existing if r.currency == new]

    def new_in_old(on: date) -> Decimal:
        in_force = [r for r in new_rates if r.effective_date <= on]
        return in_force[-1].rate_to_base if in_force else rate

    rates = []
    for r in existing:
        if r.currency == new:  # 1 new = x old becomes 1 old = 1/x new
            currency, value = old, Decimal(1) / r.rate_to_base
        else:
            currency, value = r.currency, r.rate_to_base / new_in_old(r.effective_date)
        rates.append(
            RateChange(
                rate_pk=r.pk,
                old_currency=r.currency,
                new_currency=currency,
                effective_date=r.effective_date,
                old=r.rate_to_base,
                new=max(value.quantize(RATE_PLACES), RATE_PLACES),
            )
        )
    return BaseCurrencyPlan(
        old=old,
        new=new,
        rate=rate,
        rate_source=source,
        rate_date=rate_date,
        thresholds=thresholds,
        rates=rates,
    )


def base_currency_change(*, actor, plan: BaseCurrencyPlan, fingerprint: str) -> BaseCurrencyPlan:
    """Apply `plan`, recomputed under lock from the same inputs: when the figures changed since
    the admin read the page (`fingerprint`), nothing is applied (409)."""
    _admin(actor)
    with transaction.atomic():
        settings = ProgramSettings.objects.select_for_update().get(pk=ProgramSettings.get().pk)
        list(Tier.objects.select_for_update().values_list("pk", flat=True))
        current = base_currency_plan(
            plan.new, rate=plan.rate if plan.rate_source == "entered" else None
        )
        if current.fingerprint != fingerprint:
            raise ConcurrentChange(
                _("The figures changed since you read this page. Check the new summary.")
            )
        for t in current.thresholds:
            Tier.objects.filter(pk=t.tier_pk).update(min_won_value=t.new)
        # Two passes: a rate moving to the old base may take a (currency, date) another frees.
        ExchangeRate.objects.filter(pk__in=[r.rate_pk for r in current.rates]).delete()
        ExchangeRate.objects.bulk_create(
            ExchangeRate(
                currency=r.new_currency, rate_to_base=r.new, effective_date=r.effective_date
            )
            for r in current.rates
        )
        settings.base_currency = current.new
        settings.save(update_fields=["base_currency", "updated_at"])
        for r in current.rates:
            send_after_commit(
                events.exchange_rate_saved,
                ExchangeRate,
                currency=r.new_currency,
                effective_date=r.effective_date,
            )
    return current
