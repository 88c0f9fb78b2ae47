"""Writes of the program: only admins configure it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput, NotPermitted

from .models import ProgramSettings


def _admin(actor) -> None:
    if not actor.is_admin:
        raise NotPermitted(_("Only admins configure the program."))


def program_settings_update(*, actor, **fields) -> ProgramSettings:
    _admin(actor)
    settings = ProgramSettings.get()
    for key, value in fields.items():
        setattr(settings, key, value)
    try:
        settings.full_clean()
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    settings.save()
    return settings
