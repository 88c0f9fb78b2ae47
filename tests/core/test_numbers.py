"""The shared number parser (apps/core/numbers.py), by case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.numbers import BIGINT_MAX, NumberError, parse_decimal, parse_int


@pytest.mark.parametrize(
    "text,number",
    [("7", 7), (" 7 ", 7), ("\t7\n", 7), ("+7", 7), ("-0", 0), ("007", 7), (7, 7),
     (str(BIGINT_MAX), BIGINT_MAX), ("-9223372036854775808", -(2**63))],
)  # fmt: skip
def test_whole_numbers(text, number):
    assert parse_int(text) == number


@pytest.mark.parametrize(
    "text",
    ["", " ", "\u00b2", "\u0661\u0662", "1e309", "1_000", "0x10", "12.0", "12\x00", "\x00",
     "9" * 400, "9" * 5000, "9223372036854775808", "-9223372036854775809", "NaN", "inf",
     None, True, 1.5, [1], "--1"],
)  # fmt: skip
def test_what_is_no_whole_number_is_a_number_error(text):
    with pytest.raises(NumberError):
        parse_int(text)


def test_bounds_are_the_callers():
    assert parse_int("5", min_value=1, max_value=5) == 5
    with pytest.raises(NumberError, match="at least 1"):
        parse_int("0", min_value=1)


@pytest.mark.parametrize(
    "text,number",
    [("12.50", Decimal("12.50")), (".5", Decimal("0.5")), ("5.", Decimal("5")),
     (" -0 ", Decimal("0")), ("1.230000", Decimal("1.23"))],
)  # fmt: skip
def test_decimals(text, number):
    assert parse_decimal(text) == number


@pytest.mark.parametrize(
    "text",
    ["1e309", "1e-400", "NaN", "sNaN", "Infinity", "-inf", "\u00b2", "1.234", "9" * 400, "."],
)
def test_what_is_no_decimal_is_a_number_error(text):
    with pytest.raises(NumberError):
        parse_decimal(text)
