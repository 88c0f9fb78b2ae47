"""Form fields every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class RawCheckbox(forms.CheckboxInput):
    """A checkbox that hands its field the posted text (Django's reads any text as ticked)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class StrictBooleanField(forms.BooleanField):
    """A box ticked or not, nothing else: a plain BooleanField reads any other text as ticked
    (a stray value would delete a profile choice, or make a comment an internal note)."""

    widget = RawCheckbox
    TICKED = ("on", "true", "1")
    UNTICKED = ("", "off", "false", "0")

    def to_python(self, value):
        if isinstance(value, bool) or value is None:
            return bool(value)
        if str(value).lower() in self.TICKED:
            return True
        if str(value).lower() in self.UNTICKED:
            return False
        raise ValidationError(_("Tick the box or leave it empty."), code="invalid")

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except ValidationError:
            return True  # changed, and its validation says how it is wrong
