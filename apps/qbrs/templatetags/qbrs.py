from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def figure(value, kind: str = "count") -> str:
    """A metrics figure as people read it; a dash when there is nothing to show."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if kind == "money":
        return f"{number:,.0f}"
    if kind == "percent":
        return f"{number:.0f}%"
    if kind == "hours":
        return gettext("%(hours)s h") % {"hours": f"{number:.1f}"}
    return f"{number:,.0f}"
