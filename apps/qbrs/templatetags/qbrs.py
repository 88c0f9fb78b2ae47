from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

from apps.core.formatting import format_number, format_percent

register = template.Library()


@register.filter
def figure(value, kind: str = "count") -> str:
    """A metrics figure as people read it (the formatting layer's numbers, in the active
    language); a dash when there is nothing to show. Money is a whole amount: the table says in
    which currency."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if kind == "percent":
        return format_percent(number)
    if kind == "hours":
        return gettext("%(hours)s h") % {"hours": format_number(number, decimals=1)}
    return format_number(number, decimals=0)
