"""Template filters of the formatting layer (apps/core/formatting.py): `{% load fmt %}`, then
`{{ d|day }}`, `{{ moment|moment }}`, `{{ moment|clock }}`, `{{ moment|relative }}`,
`{{ n|number }}`, `{{ n|number:1 }}`, `{{ share|percent }}`, `{{ amount|money:currency }}`."""

from __future__ import annotations

from django import template

from apps.core import formatting

register = template.Library()


@register.filter
def day(value, style: str = "medium") -> str:
    return formatting.format_date(value, style=style)


@register.filter
def moment(value) -> str:
    return formatting.format_datetime(value)


@register.filter
def clock(value) -> str:
    return formatting.format_time(value)


@register.filter
def relative(value) -> str:
    return formatting.format_relative(value)


@register.filter
def number(value, decimals=None) -> str:
    return formatting.format_number(value, decimals=None if decimals is None else int(decimals))


@register.filter
def percent(value, decimals=0) -> str:
    return formatting.format_percent(value, decimals=int(decimals))


@register.filter
def money(value, currency: str = "") -> str:
    return formatting.format_money(value, currency)


@register.filter
def iso(value) -> str:
    return formatting.iso_date(value)
