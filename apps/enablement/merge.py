"""Templates that fill themselves in: `{{ field }}` merge fields in a template's Markdown,
replaced by the partner's facts and figures when a manager uses it for a partner.

The partner's own facts come from the partners app below; its figures (registrations, pipeline,
won value, win rate, open action items of the last quarter) from the apps above that own them,
each contributing a `merge_fields.py` with `figures(partner, now) -> {name: text or None}`,
discovered like sections (apps.core.discovery) — the library never imports an app above it.
A field without a value, or a name no one knows, renders as "—", never as a template error.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.core.discovery import app_modules
from apps.core.formatting import format_date

MISSING = "—"
StrOrPromise = str | Promise
FIELD = re.compile(r"\{\{\s*([a-z_]{1,40})\s*\}\}")

# The merge fields a template may use, with what each says (the editor's help lists them).
FIELDS: dict[str, StrOrPromise] = {
    "partner_name": _("The partner's name"),
    "partner_type": _("Its partner type"),
    "tier": _("Its tier"),
    "stage": _("Its lifecycle stage"),
    "manager": _("Its partner manager"),
    "onboarding_due_date": _("The onboarding due date"),
    "today": _("Today's date"),
    "quarter": _("The last quarter, e.g. 2026-Q3"),
    "registrations": _("Registrations submitted last quarter"),
    "pipeline": _("Pipeline (approved, open registrations)"),
    "won_value": _("Won value last quarter"),
    "win_rate": _("Win rate last quarter"),
    "open_action_items": _("Open QBR action items"),
}


def _date(value) -> str | None:
    return format_date(value) if value else None


def _person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def values_for(partner, now: datetime | None = None) -> dict[str, str | None]:
    """Every merge field's text for `partner` (None where there is no value)."""
    now = now or timezone.now()
    values: dict[str, str | None] = {
        "partner_name": partner.name,
        "partner_type": partner.partner_type.name if partner.partner_type_id else None,
        "tier": partner.tier.name if partner.tier_id else None,
        "stage": str(partner.get_stage_display()),
        "manager": _person(partner.manager),
        "onboarding_due_date": _date(partner.onboarding_due_date),
        "today": _date(timezone.localdate(now)),
    }
    for module in app_modules("merge_fields"):
        values.update(module.figures(partner, now))
    return values


def fill(text: str, values: dict[str, str | None]) -> str:
    """`text` with each `{{ field }}` replaced by its value, or "—"."""

    def replace(match: re.Match) -> str:
        value = values.get(match.group(1))
        return MISSING if value in (None, "") else str(value)

    return FIELD.sub(replace, text or "")


def fields_used(text: str) -> list[str]:
    return sorted(set(FIELD.findall(text or "")))
