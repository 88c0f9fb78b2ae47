"""Money: a registration keeps its own currency; `to_base` converts with the exchange rate in force
on a date. A figure that sums money says which rates it used, and flags what it could not convert
(`Figures.missing`) instead of silently counting it as zero."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from apps.program.models import ProgramSettings

from ..models import ExchangeRate

CENT = Decimal("0.01")


def base_currency() -> str:
    return ProgramSettings.get().base_currency.upper()


def _as_date(on_date: date | datetime) -> date:
    if isinstance(on_date, datetime):
        return timezone.localdate(on_date) if timezone.is_aware(on_date) else on_date.date()
    return on_date


def rate_in_force(currency: str, on_date: date | datetime) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(
            currency=currency.upper(), effective_date__lte=_as_date(on_date)
        )
        .order_by("-effective_date")
        .first()
    )


def to_base(
    amount: Decimal, currency: str, on_date: date | datetime, *, base: str | None = None
) -> Decimal | None:
    """`amount` in `currency` converted to the base currency with the rate in force on `on_date`;
    None when no rate is in force (the caller must flag the figure, never count it as zero)."""
    base = (base or base_currency()).upper()
    if currency.upper() == base:
        return Decimal(amount).quantize(CENT)
    rate = rate_in_force(currency, on_date)
    if rate is None:
        return None
    return (Decimal(amount) * rate.rate_to_base).quantize(CENT)


def exchange_rate_save(*, rate: ExchangeRate) -> ExchangeRate:
    rate.currency = rate.currency.upper()
    rate.save()
    return rate
