from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import numbers

from .models import (
    PartnerType,
    PlaybookTaskTemplate,
    ProgramSettings,
    RejectionReason,
    StageConfig,
)


class DayListField(numbers.IntegerListField):
    """A list of day counts typed as "14, 7"."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=1,
            max_value=365,
            max_items=10,
            error_messages={
                "invalid_item": "Whole numbers of days from 1 to 365, comma separated.",
                "too_many": "At most ten reminders.",
            },
            **kwargs,
        )


class ProgramSettingsForm(forms.ModelForm):
    onboarding_reminder_days = DayListField(
        required=False,
        max_length=100,
        help_text=_("Days before the onboarding due date, e.g. 14, 7"),
    )
    agreement_reminder_days = DayListField(
        required=False, max_length=100, help_text=_("Days before an agreement ends, e.g. 60, 30")
    )
    qbr_reminder_days = DayListField(
        required=False, max_length=100, help_text=_("Days before a QBR, e.g. 7, 1")
    )
    base_currency = forms.RegexField(
        regex=r"^[A-Z]{3}$",
        max_length=3,
        error_messages={"invalid": "An ISO 4217 code in capitals, e.g. USD."},
    )

    class Meta:
        formfield_callback = numbers.formfield
        model = ProgramSettings
        fields = [
            "qualification_threshold",
            "base_currency",
            "review_sla_hours",
            "max_extensions",
            "max_extension_days",
            "onboarding_reminder_days",
            "agreement_reminder_days",
            "deal_expiry_reminder_days",
            "qbr_reminder_days",
            "auto_apply_promotions",
            "demotion_grace_days",
        ]


class StageConfigForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = StageConfig
        fields = ["display_name", "target_days"]


# edit_only: the stage rows exist (one per state of the machine); a post never adds one, whatever
# its management form claims.
StageConfigFormSet = forms.modelformset_factory(
    StageConfig,
    form=StageConfigForm,
    extra=0,
    can_delete=False,
    max_num=6,
    validate_max=True,
    edit_only=True,
)


class PlaybookTaskForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = PlaybookTaskTemplate
        fields = [
            "stage",
            "title",
            "description",
            "owner_side",
            "due_offset_days",
            "required",
            "order",
            "completed_by",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PartnerTypeForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = PartnerType
        fields = ["key", "name", "onboarding_days"]
        help_texts = {"key": "Lowercase letters, digits and hyphens; used by the API."}


class RejectionReasonForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = RejectionReason
        fields = ["label", "active", "order"]
        help_texts = {"order": "Lower first in the managers' list."}
