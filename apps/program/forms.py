from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import iso, numbers

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
                "invalid_item": _("Whole numbers of days from 1 to 365, comma separated."),
                "too_many": _("At most ten reminders."),
            },
            **kwargs,
        )


def currencies() -> list[tuple[str, str]]:
    """The ISO 4217 currencies as "EUR · Euro", in the active language."""
    return [(code, f"{code} · {name}") for code, name in iso.currency_choices()]


class CurrencyField(forms.ChoiceField):
    """A choice of the currencies that also reads a code typed in any case ("eur")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", currencies)
        kwargs.setdefault("error_messages", {"invalid_choice": iso.CURRENCY_ERROR})
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class ProgramSettingsForm(forms.ModelForm):
    onboarding_reminder_days = DayListField(
        label=_("Onboarding reminders (days before due)"),
        required=False,
        max_length=100,
        help_text=_("Days before the onboarding due date, e.g. 14, 7"),
    )
    agreement_reminder_days = DayListField(
        label=_("Agreement reminders (days before the end)"),
        required=False,
        max_length=100,
        help_text=_("Days before an agreement ends, e.g. 60, 30"),
    )
    qbr_reminder_days = DayListField(
        label=_("QBR reminder (days before)"),
        required=False,
        max_length=100,
        help_text=_("Days before a QBR, e.g. 7, 1"),
    )
    # A choice of the ISO 4217 currencies: "XYZ" cannot be sent. Changing it goes through the
    # base currency page (apps/program/currency.py), which states and converts what it affects.
    base_currency = CurrencyField(
        label=_("Currency of the program's figures"),
        help_text=_(
            "Tier thresholds, fund budgets and the dashboard's totals are in this currency. "
            "Changing it shows what it affects before anything changes."
        ),
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


class BaseCurrencyForm(forms.Form):
    """The base currency change asked for (from the settings form) and, optionally, the rate to
    convert at; the fingerprint says which plan the admin confirmed."""

    to = CurrencyField(label=_("New base currency"))
    rate = numbers.DecimalField(
        label=_("Exchange rate to convert at"),
        required=False,
        min_value=Decimal("0.00000001"),
        max_digits=18,
        decimal_places=8,
    )
    fingerprint = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].help_text = _(
            "What one unit of the new currency is worth in %(current)s. Empty: its latest "
            "exchange rate."
        ) % {"current": current}


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


class RejectionReasonForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = RejectionReason
        fields = ["label", "active", "order"]
