"""The formatting layer writes one recognizable format per language, in the user's time zone,
with each currency's own decimals and symbol."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from apps.core import formatting

MOMENT = datetime(2026, 12, 4, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Dec 4, 2026", "Dec 4, 2026, 11:30\u202fPM"),
        ("de", "04.12.2026", "04.12.2026, 23:30"),
    ],
)
def test_it_writes_days_and_moments_in_the_language_s_format(language, day, moment):
    with translation.override(language), timezone.override("UTC"):
        assert formatting.format_date(date(2026, 12, 4)) == day
        assert formatting.format_datetime(MOMENT) == moment


def test_it_shows_a_moment_in_the_active_time_zone():
    with translation.override("en"), timezone.override("Europe/Berlin"):
        # 23:30 UTC is already the next day in Berlin
        assert formatting.format_date(MOMENT) == "Dec 5, 2026"
        assert formatting.format_time(MOMENT) == "12:30\u202fAM"


def test_it_writes_money_with_the_currency_s_own_decimals_and_symbol():
    with translation.override("en"):
        assert formatting.format_money(Decimal("12500"), "USD") == "$12,500.00"
        assert formatting.format_money(Decimal("12500"), "JPY") == "¥12,500"
        assert formatting.format_money(Decimal("1.5"), "KWD") == "KWD1.500"
    with translation.override("de"):
        assert formatting.format_money(Decimal("12500.5"), "EUR") == "12.500,50\xa0€"
    assert formatting.currency_digits("JPY") == 0


def test_it_writes_numbers_percentages_and_relative_times():
    with translation.override("de"):
        assert formatting.format_number(Decimal("12500.25")) == "12.500,25"
        assert formatting.format_number(3, decimals=1) == "3,0"
        assert formatting.format_percent(37.5, decimals=1) == "37,5\xa0%"
    with translation.override("en"):
        now = timezone.now()
        assert formatting.format_relative(now + timedelta(days=3), now=now) == "in 3 days"
        assert formatting.format_relative(now - timedelta(hours=2), now=now) == "2 hours ago"


def test_empty_values_are_a_dash_and_machines_get_iso():
    assert formatting.format_date(None) == formatting.format_money(None, "USD") == "—"
    with timezone.override("Europe/Berlin"):
        assert formatting.iso_date(MOMENT) == "2026-12-05"


def test_the_template_filters_call_the_layer():
    template = Template("{% load fmt %}{{ d|day }} · {{ a|money:'EUR' }} · {{ n|number }}")
    with translation.override("de"):
        text = template.render(Context({"d": date(2026, 12, 4), "a": Decimal("5"), "n": 1234}))
    assert text == "04.12.2026 · 5,00\xa0€ · 1.234"


def test_the_percent_filter_keeps_a_typed_rate_s_own_decimals():
    template = Template(
        "{% load fmt %}{{ a|percent:'auto' }} · {{ b|percent:'auto' }} · {{ c|percent }}"
    )
    with translation.override("en"):
        text = template.render(Context({"a": Decimal("2.50"), "b": Decimal("10"), "c": 37.5}))
    assert text == "2.5% · 10% · 38%"


def test_the_day_and_moment_filters_read_iso_text_kept_in_json_figures():
    template = Template("{% load fmt %}{{ d|day }} · {{ m|moment }} · {{ x|day }}")
    with translation.override("de"), timezone.override("UTC"):
        text = template.render(
            Context({"d": "2026-12-04", "m": "2026-12-04T23:30:00+00:00", "x": "soon"})
        )
    assert text == "04.12.2026 · 04.12.2026, 23:30 · —"


def test_a_value_written_in_one_language_is_not_reused_for_another():
    """The written forms are kept per value and language (apps/core/formatting.py caches)."""
    day = date(2026, 12, 4)
    written = {}
    for _round in range(2):
        for language in ("en", "de", "ja", "en"):
            with translation.override(language):
                now = (
                    formatting.format_number(Decimal("12500.5")),
                    formatting.format_money(Decimal("12500"), "EUR"),
                    formatting.format_percent(Decimal("37.5"), decimals=1),
                    formatting.format_date(day),
                )
            assert written.setdefault(language, now) == now
    assert written["en"] == ("12,500.5", "€12,500.00", "37.5%", "Dec 4, 2026")
    assert written["de"] == ("12.500,5", "12.500,00\xa0€", "37,5\xa0%", "04.12.2026")
    with translation.override("en"):
        assert formatting.format_number(Decimal("1.0"), decimals=1) == "1.0"
        assert formatting.format_number(Decimal("1"), decimals=0) == "1"


def test_number_auto_keeps_every_decimal_an_exchange_rate_has():
    template = Template(
        '{% load fmt %}{{ a|number:"auto" }} · {{ b|number:"auto" }} · {{ c|number }}'
    )
    context = Context(
        {"a": Decimal("0.0091234500"), "b": Decimal("1.5000"), "c": Decimal("0.00912345")}
    )
    with translation.override("en"):
        assert template.render(context) == "0.00912345 · 1.5 · 0.009"
    with translation.override("de"):
        assert template.render(context) == "0,00912345 · 1,5 · 0,009"
