from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy

from apps.core.formatting import format_date, format_percent

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
    if days and hours:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if days:
        return gettext("%(days)s d") % {"days": days}
    if hours:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(minutes)s min") % {"minutes": rest // 60}


@register.filter
def status_pill(status: str) -> str:
    return STATUS_PILL.get(status, "")


@register.filter
def clock_pill(state: str) -> str:
    return CLOCK_PILL.get(state, "")


@register.simple_tag
def protection(reg, now=None) -> str:
    """`Protected until Mar 12, 2027, 12 days left` for an approved registration."""
    if reg.status != "approved" or reg.expires_at is None:
        return ""
    now = now or timezone.now()
    left = reg.expires_at - now
    until = format_date(reg.expires_at)
    if left.total_seconds() <= 0:
        return gettext("Protection ended %(until)s") % {"until": until}
    days = left.days
    if days >= 1:
        return ngettext(
            "Protected until %(until)s, %(days)s day left",
            "Protected until %(until)s, %(days)s days left",
            days,
        ) % {"until": until, "days": days}
    return gettext("Protected until %(until)s, less than a day left") % {"until": until}


@register.filter
def days_left(reg, now=None) -> int | None:
    if reg.status != "approved" or reg.expires_at is None:
        return None
    return max((reg.expires_at - (now or timezone.now())).days, 0)


@register.filter
def percent(value: float | None) -> str:
    """A share given as a fraction (0.375 → "38%")."""
    return "" if value is None else format_percent(value * 100)


# The transitions a registration's history names, in the reader's language.
TRANSITION_WORDS = {
    "submit": pgettext_lazy("registration history", "submit"),
    "request_info": pgettext_lazy("registration history", "request info"),
    "provide_info": pgettext_lazy("registration history", "provide info"),
    "approve": pgettext_lazy("registration history", "approve"),
    "reject": pgettext_lazy("registration history", "reject"),
    "withdraw": pgettext_lazy("registration history", "withdraw"),
    "extend": pgettext_lazy("registration history", "extend"),
    "expire": pgettext_lazy("registration history", "expire"),
    "mark_won": pgettext_lazy("registration history", "mark won"),
    "mark_lost": pgettext_lazy("registration history", "mark lost"),
    "request_extension": pgettext_lazy("registration history", "request extension"),
    "decline_extension": pgettext_lazy("registration history", "decline extension"),
}


@register.filter
def words(name: str) -> str:
    if name in TRANSITION_WORDS:
        return str(TRANSITION_WORDS[name])
    return (name or "").replace("_", " ")


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
