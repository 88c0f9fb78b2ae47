from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.partners.models import Partner, Stage

from .models import Outcome, OwnerSide

MAX_NOTES = 20000
SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 11)]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScheduleForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.exclude(stage=Stage.EXITED).order_by("name")
    )
    scheduled_for = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shared with the partner."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes (vendor only)"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Internal: never shown to the partner."),
    )


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    satisfaction_score = forms.TypedChoiceField(
        label=_("Satisfaction score (1–10)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for exit"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the outcome is exit."),
    )
    # With outcome exit: the fingerprint of the exit's impact shown beside the form.
    confirmed_impact = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") == Outcome.EXIT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the partnership ends."))
        return data


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    owner_side = forms.ChoiceField(label=_("Owner"), choices=OwnerSide.choices, initial="partner")
    due_date = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
