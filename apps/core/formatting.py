"""The one way a date, a time, a number or an amount of money is written for a person.

Everything a page, the portal, an e-mail, a notification or a PDF shows goes through here (the
template filters in apps/core/templatetags/fmt.py call these functions), so one page never
writes "3 Dec 2026" beside "Dec 4, 2026". The active language picks the CLDR format (babel):
English "Dec 4, 2026" and "Dec 4, 2026, 5:54 PM", German "04.12.2026" and "04.12.2026, 17:54".
Times are shown in the active time zone (the user's, activated by the accounts middleware).

Machines get ISO instead: CSV exports and the API keep ISO 8601 dates and plain numbers
(`iso_date`), never these.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation

EMPTY = "—"


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _language() -> str:
    return translation.get_language() or "en"


def current_locale() -> Locale:
    """The babel locale of the active language (English when none is active)."""
    return _locale(_language())


# babel parses a pattern and walks the locale's data on every call (about 0.1 ms): a page of
# figures writes the same few values hundreds of times. The written forms are kept per value and
# language (a value's str() is its identity: Decimal("1.0") and Decimal("1") are not merged).
CACHED = 8192


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: date | datetime | None, *, style: str = "medium") -> str:
    """A day: "Dec 4, 2026" / "04.12.2026"; `style="long"` spells the month out. A moment is
    first moved into the active time zone, so a late-evening moment keeps its local day."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = _local(value).date()
    return _date(value, style, _language())


@lru_cache(maxsize=CACHED)
def _date(value: date, style: str, language: str) -> str:
    return babel_dates.format_date(value, format=style, locale=_locale(language))


def format_time(value: datetime | None) -> str:
    """A time of day in the active time zone: "5:54 PM" / "17:54"."""
    if value is None or value == "":
        return EMPTY
    return babel_dates.format_time(_local(value), format="short", locale=current_locale())


def format_datetime(value: datetime | date | None) -> str:
    """A moment in the active time zone: "Dec 4, 2026, 5:54 PM" / "04.12.2026, 17:54". A plain
    date is written as a day."""
    if value is None or value == "":
        return EMPTY
    if not isinstance(value, datetime):
        return format_date(value)
    locale = current_locale()
    local = _local(value)
    pattern = locale.datetime_formats["medium"]
    text = pattern.format(
        babel_dates.format_time(local, format="short", locale=locale),
        babel_dates.format_date(local.date(), format="medium", locale=locale),
    )
    return text.replace("'", "")


def format_relative(value: datetime | date | None, *, now: datetime | None = None) -> str:
    """How far a moment is from now, in words: "in 3 days", "2 hours ago" / "in 3 Tagen",
    "vor 2 Stunden". A plain date counts from the start of the day in the active time zone."""
    if value is None or value == "":
        return EMPTY
    now = now or timezone.now()
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, datetime.min.time()))
    delta: timedelta = value - now
    return babel_dates.format_timedelta(
        delta, add_direction=True, threshold=1.0, locale=current_locale()
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, *, decimals: int | None = None) -> str:
    """A count or a measure with the language's grouping and decimal sign: "12,500" /
    "12.500"; `decimals` fixes the digits after the sign."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value in (None, "") else str(value)
    return _number(str(number), decimals, _language())


@lru_cache(maxsize=CACHED)
def _number(text: str, decimals: int | None, language: str) -> str:
    number = Decimal(text)
    locale = _locale(language)
    if decimals is None:
        return babel_numbers.format_decimal(number, locale=locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=locale)


def format_percent(value, *, decimals: int = 0) -> str:
    """A share given in percent points (37.5 → "38%"; decimals=1 → "37.5%" / "37,5 %")."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return _percent(str(number), decimals, _language())


@lru_cache(maxsize=CACHED)
def _percent(text: str, decimals: int, language: str) -> str:
    number = Decimal(text)
    locale = _locale(language)
    pattern = locale.percent_formats[None].pattern  # the language's own: "#,##0%", "#,##0 %"
    if decimals > 0:
        at = pattern.rfind("0") + 1
        pattern = pattern[:at] + "." + "0" * decimals + pattern[at:]
    return babel_numbers.format_percent(number / 100, format=pattern, locale=locale)


def currency_digits(currency: str) -> int:
    """The currency's own minor digits (ISO 4217 via CLDR): USD 2, JPY 0, KWD 3."""
    return babel_numbers.get_currency_precision(currency) if currency else 2


def format_money(amount, currency: str | None) -> str:
    """An amount in its currency with the currency's own decimals and symbol: "$12,500.00",
    "¥12,500" / "12.500,00 $". Without a currency, a number with two decimals."""
    number = _decimal(amount)
    if number is None:
        return EMPTY if amount in (None, "") else str(amount)
    if not currency:
        return format_number(number, decimals=2)
    return _money(str(number), currency, _language())


@lru_cache(maxsize=CACHED)
def _money(text: str, currency: str, language: str) -> str:
    return babel_numbers.format_currency(Decimal(text), currency, locale=_locale(language))


def iso_date(value: date | datetime | None) -> str:
    """For machines (CSV cells, data attributes): ISO 8601, the day in the active time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return value.isoformat()
