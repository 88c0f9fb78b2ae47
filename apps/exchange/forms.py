from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label=_("What the file holds"))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header row; at most 5 MB and 10,000 rows."),
    )


class PortalContactsForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with a header row (name, email, phone, title, roles, notes); at most "
            "5 MB and 10,000 rows."
        ),
    )
