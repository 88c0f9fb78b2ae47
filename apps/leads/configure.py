"""Writes of the lead program's configuration (admins, on the program settings' Lead settings
tab): the acceptance deadline, the cap of open leads, rerouting at the deadline, and the list of
reasons a partner picks from when it rejects a lead."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput, NotPermitted

from .models import LeadSettings, RejectReason

SETTINGS_FIELDS = ("acceptance_hours", "open_leads_cap", "reroute_on_lapse")
REASON_FIELDS = ("label", "order", "active")


def _admin(actor) -> None:
    if not actor.is_admin:
        raise NotPermitted(_("Only admins configure the lead program."))


def _checked(obj, fields: dict) -> None:
    for key, value in fields.items():
        setattr(obj, key, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc


def lead_settings_update(*, actor, **fields) -> LeadSettings:
    """Change the lead settings (SETTINGS_FIELDS); a new deadline applies to leads assigned
    after it, the clock of a lead already assigned keeps its own."""
    _admin(actor)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput({key: [_("Unknown setting.")] for key in sorted(unknown)})
    with transaction.atomic():
        settings = LeadSettings.get()
        settings = LeadSettings.objects.select_for_update().get(pk=settings.pk)
        _checked(settings, fields)
        settings.save()
    return settings


def reject_reason_save(*, actor, reason: RejectReason | None = None, **fields) -> RejectReason:
    """Add a reject reason, or change one. No delete: a retired reason is made inactive, so the
    rejections given with it keep their words."""
    _admin(actor)
    reason = reason or RejectReason()
    _checked(reason, {k: v for k, v in fields.items() if k in REASON_FIELDS})
    reason.save()
    return reason
