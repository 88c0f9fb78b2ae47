"""Money: the base currency, exchange rates and conversion to the base currency — the one home
of these rules (DESIGN.md section 12).

A registration keeps its own currency. `to_base` converts one amount with the rate in force on a
date; `rate_to_base` is the same rule as a SQL expression, for figures that convert many rows in
one query. Neither ever counts money without a rate as zero: `to_base` answers None and the
expression NULL, and the figure that sums them must say what it could not convert.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, DecimalField, OuterRef, Subquery, Value, When
from django.db.models.expressions import Expression
from django.utils import timezone

from apps.core.events import send_after_commit

from . import events
from .models import ExchangeRate, ProgramSettings

CENT = Decimal("0.01")
# Wide enough for any amount times any rate, before rounding to cents.
MONEY = DecimalField(max_digits=30, decimal_places=10)


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


def rate_to_base(base: str, *, currency: str = "currency", on: str) -> Expression:
    """The rate from the row's `currency` field to `base` in force on the row's date field `on`
    (a date, or a datetime's `__date`): 1 for the base currency, NULL when no rate is in force."""
    rate = ExchangeRate.objects.filter(
        currency=OuterRef(currency), effective_date__lte=OuterRef(on)
    ).order_by("-effective_date")
    return Case(
        When(**{currency: base.upper()}, then=Value(Decimal("1"))),
        default=Subquery(rate.values("rate_to_base")[:1]),
        output_field=MONEY,
    )


def exchange_rate_save(*, rate: ExchangeRate) -> ExchangeRate:
    rate.currency = rate.currency.upper()
    rate.save()
    send_after_commit(
        events.exchange_rate_saved,
        ExchangeRate,
        currency=rate.currency,
        effective_date=rate.effective_date,
    )
    return rate
