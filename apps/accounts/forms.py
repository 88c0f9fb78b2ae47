from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import language_choices


def _choices() -> list[tuple[str, str | Promise]]:
    # The blank choice says what it does rather than "---------".
    return [("", _("As my browser asks")), *language_choices()]


class LanguageForm(forms.Form):
    """A plain form, not a ModelForm: validating it must not change the signed-in user (the
    service saves the choice)."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=_choices,
        required=False,
        help_text=_("The language of your pages. Leave it blank to follow your browser."),
    )
