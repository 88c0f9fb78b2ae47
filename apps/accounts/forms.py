from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from .models import language_choices, time_zone_choices


def _choices() -> list[tuple[str, str | Promise]]:
    # The blank choice says what it does rather than "---------".
    return [("", _("As my browser asks")), *language_choices()]


def _program_time_zone() -> str:
    return _("The program's: %(zone)s") % {"zone": settings.TIME_ZONE}


def _time_zones() -> list[tuple[str, str | Promise]]:
    return [("", lazy(_program_time_zone, str)()), *time_zone_choices()]


class LanguageForm(forms.Form):
    """The user's preferences: the language and the time zone of their pages. A plain form, not
    a ModelForm: validating it must not change the signed-in user (the service saves the
    choice)."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=_choices,
        required=False,
        help_text=_("The language of your pages. Leave it blank to follow your browser."),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=_time_zones,
        required=False,
        help_text=_("Dates and times are shown in this time zone."),
    )
