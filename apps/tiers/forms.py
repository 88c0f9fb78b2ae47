from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import numbers
from apps.core.formatting import format_date
from apps.program.forms import CurrencyField, currencies
from apps.program.models import ExchangeRate, Tier

from .services import AMOUNT_BOUNDS, COUNT_BOUNDS, DESCRIPTION_MAX, NAME_MAX, tier_config_errors


def _bounded_int(name: str, label, help_text="") -> numbers.IntegerField:
    low, high = COUNT_BOUNDS[name]
    return numbers.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text)


class TierForm(forms.ModelForm):
    """The tier settings form, used on the program settings pages and in Django admin."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, strip=True)
    rank = _bounded_int(
        "rank", _("Rank"), _("1 is the entry tier; a higher rank is a higher tier.")
    )
    min_won_value = numbers.DecimalField(
        label=_("Won value required"),
        min_value=AMOUNT_BOUNDS["min_won_value"][0],
        max_value=AMOUNT_BOUNDS["min_won_value"][1],
        max_digits=14,
        decimal_places=2,
        help_text=_("Won registrations' value in the trailing 12 months, in the base currency."),
    )
    min_won_deals = _bounded_int(
        "min_won_deals", _("Won deals required"), _("Won registrations in the trailing 12 months.")
    )
    min_certified_people = _bounded_int(
        "min_certified_people",
        _("Certified people required"),
        _("People of the partner holding an active course certification (empty: none)."),
    )
    protection_days = _bounded_int(
        "protection_days",
        _("Deal protection (days)"),
        _("How long an approved registration is protected."),
    )
    discount_percent = numbers.DecimalField(
        label=_("Discount (%)"),
        min_value=AMOUNT_BOUNDS["discount_percent"][0],
        max_value=AMOUNT_BOUNDS["discount_percent"][1],
        max_digits=5,
        decimal_places=2,
    )
    rebate_percent = numbers.DecimalField(
        label=_("Rebate (%)"),
        required=False,
        min_value=AMOUNT_BOUNDS["rebate_percent"][0],
        max_value=AMOUNT_BOUNDS["rebate_percent"][1],
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "Earned on each won registration's value and paid in payout batches; empty is none."
        ),
    )
    qbr_cadence_months = _bounded_int(
        "qbr_cadence_months",
        _("QBR every (months)"),
        _("How often QBRs are scheduled for partners in this tier."),
    )
    description = forms.CharField(
        label=_("Other benefits"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Tier
        fields = [
            "name",
            "rank",
            "min_won_value",
            "min_won_deals",
            "min_certified_people",
            "protection_days",
            "discount_percent",
            "rebate_percent",
            "qbr_cadence_months",
            "description",
        ]

    def clean_rebate_percent(self) -> Decimal:
        value = self.cleaned_data.get("rebate_percent")
        return Decimal("0") if value is None else value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_certified_people"].required = False

    def clean_min_certified_people(self) -> int:
        return self.cleaned_data.get("min_certified_people") or 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        errors = tier_config_errors(
            instance=self.instance if self.instance.pk else None,
            name=data["name"],
            rank=data["rank"],
            min_won_value=data["min_won_value"],
            min_won_deals=data["min_won_deals"],
            min_certified_people=data.get("min_certified_people") or 0,
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        return data

    def validate_unique(self):
        # tier_config_errors already says which tier holds the name or rank, in plainer words.
        if not self.errors:
            super().validate_unique()


class ExchangeRateForm(forms.ModelForm):
    currency = CurrencyField(label=_("Currency"), choices=lambda: [("", "—"), *currencies()])
    rate_to_base = numbers.DecimalField(
        label=_("Rate to base currency"),
        min_value=Decimal("0.00000001"),
        max_digits=18,
        decimal_places=8,
        help_text=_("What one unit of this currency is worth in the base currency."),
    )
    effective_date = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate_to_base", "effective_date"]

    def __init__(self, *args, base_currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.base_currency = base_currency.upper()
        if base_currency:
            self.fields["rate_to_base"].label = _("Rate to %(base)s") % {"base": self.base_currency}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].upper()
        if currency == self.base_currency:
            raise forms.ValidationError(
                _("%(code)s is the base currency; it needs no exchange rate.") % {"code": currency}
            )
        return currency

    def clean_effective_date(self):
        value = self.cleaned_data["effective_date"]
        if value.year < 2000 or value.year > 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        currency, day = data.get("currency"), data.get("effective_date")
        if currency and day:
            taken = ExchangeRate.objects.filter(currency=currency, effective_date=day)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "effective_date",
                    _("There is already a %(code)s rate from %(day)s; edit that one instead.")
                    % {"code": currency, "day": format_date(day)},
                )
        return data
