from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    """12500 → "USD 12,500"; 12500.5 → "USD 12,500.50"."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency} {text}".strip()


@register.filter
def percent(value) -> str:
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value))
    return f"{amount.normalize():f}%" if amount else "0%"
