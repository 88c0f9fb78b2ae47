from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()

STATUS_PILL = {
    "submitted": "pill-info",
    "info_requested": "pill-warn",
    "approved": "pill-ok",
    "rejected": "pill-bad",
    "withdrawn": "",
    "won": "pill-ok",
    "lost": "pill-warn",
    "expired": "pill-warn",
}
CLOCK_PILL = {
    "on_time": "pill-ok",
    "due_soon": "pill-warn",
    "breached": "pill-bad",
    "paused": "pill-info",
}


@register.filter
def duration(value: timedelta | None) -> str:
    """`3 d 4 h`, `5 h`, `12 min`."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h"
    return f"{rest // 60} min"


@register.filter
def status_pill(status: str) -> str:
    return STATUS_PILL.get(status, "")


@register.filter
def clock_pill(state: str) -> str:
    return CLOCK_PILL.get(state, "")


@register.simple_tag
def protection(reg, now=None) -> str:
    """`Protected until 12 Mar 2027, 12 days left` for an approved registration."""
    if reg.status != "approved" or reg.expires_at is None:
        return ""
    now = now or timezone.now()
    left = reg.expires_at - now
    until = timezone.localtime(reg.expires_at).strftime("%d %b %Y")
    if left.total_seconds() <= 0:
        return f"Protection ended {until}"
    days = left.days
    if days >= 1:
        return f"Protected until {until}, {days} day{'s' if days != 1 else ''} left"
    return f"Protected until {until}, less than a day left"


@register.filter
def days_left(reg, now=None) -> int | None:
    if reg.status != "approved" or reg.expires_at is None:
        return None
    return max((reg.expires_at - (now or timezone.now())).days, 0)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


@register.filter
def words(name: str) -> str:
    return (name or "").replace("_", " ")


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
