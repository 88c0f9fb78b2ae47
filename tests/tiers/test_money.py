"""to_base: the exchange rate in force on a date, or None — never a silent zero."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.program.money import to_base
from tests.tiers.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eur_rates(program):
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.10"), effective_date=date(2026, 1, 1)
    )
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.20"), effective_date=date(2026, 3, 1)
    )


def test_it_returns_base_currency_amounts_as_they_are(program):
    assert to_base(Decimal("12.5"), "USD", date(1990, 1, 1)) == Decimal("12.50")
    assert to_base(Decimal("12.5"), "usd", date(1990, 1, 1)) == Decimal("12.50")


def test_it_uses_the_rate_in_force_on_the_date(eur_rates):
    assert to_base(Decimal("100"), "EUR", date(2026, 2, 28)) == Decimal("110.00")
    assert to_base(Decimal("100"), "EUR", date(2026, 3, 1)) == Decimal("120.00")  # effective day
    assert to_base(Decimal("100"), "EUR", date(2030, 1, 1)) == Decimal("120.00")
    assert to_base(Decimal("100"), "eur", datetime(2026, 2, 1, tzinfo=UTC)) == Decimal("110.00")


def test_it_returns_none_when_no_rate_is_in_force(eur_rates):
    assert to_base(Decimal("100"), "EUR", date(2025, 12, 31)) is None  # before the first rate
    assert to_base(Decimal("100"), "GBP", date(2026, 6, 1)) is None  # no rate at all


def test_it_follows_the_program_base_currency(program, eur_rates):
    program.base_currency = "EUR"
    program.save()

    assert to_base(Decimal("100"), "EUR", date(2020, 1, 1)) == Decimal("100.00")
    assert to_base(Decimal("100"), "USD", date(2026, 6, 1)) is None
