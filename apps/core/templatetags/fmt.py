"""Template filters of the formatting layer (apps/core/formatting.py): `{% load fmt %}`, then
`{{ d|day }}`, `{{ moment|moment }}`, `{{ moment|clock }}`, `{{ moment|relative }}`,
`{{ n|number }}`, `{{ n|number:1 }}`, `{{ share|percent }}`, `{{ amount|money:currency }}`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import translation

from apps.core import formatting

register = template.Library()


def _when(value):
    """Figures kept as JSON hold their dates as ISO text ("2026-12-04", "2026-12-04T17:54:00
    +00:00"): read back as the date or moment they write, anything else left as it is."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def day(value, style: str = "medium") -> str:
    return formatting.format_date(_when(value), style=style)


@register.filter
def moment(value) -> str:
    return formatting.format_datetime(_when(value))


@register.filter
def clock(value) -> str:
    return formatting.format_time(value)


@register.filter
def relative(value) -> str:
    return formatting.format_relative(value)


def _decimals_of(value, cap: int) -> int:
    """The decimals `value` has once trailing zeros are dropped, at most `cap`."""
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except (InvalidOperation, ValueError):
        return 0
    return min(max(-exponent, 0), cap) if isinstance(exponent, int) else 0


@register.filter
def number(value, decimals=None) -> str:
    """`|number` (up to three decimals), `|number:2` (exactly two), `|number:"auto"` (every
    decimal the value has, up to ten: an exchange rate of 0.00912345 keeps them all)."""
    if decimals == "auto":
        decimals = _decimals_of(value, 10)
    return formatting.format_number(value, decimals=None if decimals is None else int(decimals))


@register.filter
def percent(value, decimals=0) -> str:
    """`|percent` rounds to a whole percent; `|percent:1` keeps one decimal; `|percent:"auto"`
    keeps the decimals the value has, up to two (a rate someone typed: 2.5 → "2.5%", 10 →
    "10%")."""
    if decimals == "auto":
        decimals = _decimals_of(value, 2)
    return formatting.format_percent(value, decimals=int(decimals))


@register.filter
def money(value, currency: str = "") -> str:
    return formatting.format_money(value, currency)


@register.filter
def iso(value) -> str:
    return formatting.iso_date(value)


# Languages that capitalise nouns inside a sentence: a label lower-cased there misspells them.
CAPITALISING = {"de"}


@register.filter
def inline(value) -> str:
    """A label (a status, a stage, a kind) inside a sentence: lower case in English, French or
    Spanish ("2 approved"); German keeps the label as written ("wartet auf partner" misspells
    the noun)."""
    text = str(value)
    language = (translation.get_language() or "en").split("-")[0]
    return text if language in CAPITALISING else text.lower()
