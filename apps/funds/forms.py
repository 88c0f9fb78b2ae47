"""Page forms; the rules live in the services (what a form cannot know, they refuse)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import iso, numbers
from apps.program.forms import CurrencyField
from apps.program.money import base_currency

from .models import MAX_AMOUNT, ActivityType, FundFile


def amount_field(label, *, min_value: Decimal = Decimal("0.01"), required: bool = True):
    return numbers.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=min_value,
        max_value=MAX_AMOUNT,
        required=required,
    )


DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("For example 2027-H1."))
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    budget = amount_field(_("Budget (base currency)"), min_value=Decimal("0"))


class AllocationForm(forms.Form):
    partner = numbers.IntegerField(widget=forms.HiddenInput)
    amount = amount_field(_("Amount"))
    currency = CurrencyField(label=_("Currency"), initial=base_currency)
    claim_deadline = forms.DateField(label=_("Claims due by"), widget=DATE)

    def clean_currency(self):
        code = self.cleaned_data["currency"].strip().upper()
        if code not in iso.CURRENCY_CODES:
            raise forms.ValidationError(iso.CURRENCY_ERROR % {"value": code})
        return code


class RequestForm(forms.Form):
    """The short form: only what a manager needs to decide."""

    activity_type = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Runs from"), widget=DATE)
    ends_on = forms.DateField(label=_("Runs until"), widget=DATE)
    requested_amount = amount_field(_("Amount requested"))
    expected_leads = numbers.IntegerField(
        label=_("Leads you expect"), min_value=0, max_value=1_000_000, required=False
    )
    expected_pipeline = amount_field(
        _("Pipeline you expect"), min_value=Decimal("0"), required=False
    )
    description = forms.CharField(
        label=_("What you will do"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ClaimForm(forms.Form):
    actual_cost = amount_field(_("What it cost"))
    leads_created = numbers.IntegerField(
        label=_("Leads it brought"), min_value=0, max_value=1_000_000, required=False
    )
    registrations_created = numbers.IntegerField(
        label=_("Deal registrations it brought"), min_value=0, max_value=1_000_000, required=False
    )


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=FundFile.Kind.choices)
    file = forms.FileField(label=_("File (PDF or image, at most 10 MB)"))


class AmountForm(forms.Form):
    amount = amount_field(_("Amount"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What to change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PayForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=100)
    paid_on = forms.DateField(label=_("Payment date"), widget=DATE)


# The input each staff transition takes on the request page, under the service's names.
TRANSITION_FORMS = {
    "approve": (AmountForm, {"amount": "approved_amount"}),
    "reject": (ReasonForm, {}),
    "return": (NoteForm, {}),
    "approve_claim": (AmountForm, {}),
    "reject_claim": (ReasonForm, {}),
    "pay": (PayForm, {}),
}
