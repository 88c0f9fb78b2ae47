from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import extra_fields, iso, numbers
from apps.deals.services import EXTENDED as REGISTRATION
from apps.partners.forms import countries_field, specializations_field
from apps.partners.models import ACTIVE_STAGES, Partner

from .models import LeadSettings, RejectReason, RoutingRule
from .services import EXTENDED


class LeadForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    domain = forms.CharField(
        label=_("Website or domain"),
        max_length=2000,
        required=False,
        help_text=_("Empty: the contact's e-mail domain."),
    )
    country = forms.TypedChoiceField(label=_("Country"), choices=iso.country_choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    product = forms.CharField(label=_("Product or need"), max_length=200, required=False)
    estimated_value = forms.CharField(
        label=_("Estimated deal value"), max_length=30, required=False
    )
    currency = forms.TypedChoiceField(
        label=_("Currency"), choices=[("", "—"), *iso.currency_choices()], required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    route = forms.BooleanField(label=_("Route it now by the rules"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        fields["currency"].choices = [("", "—"), *iso.currency_choices()]
        # Fields the apps above add (funds: the fund request that produced the lead).
        self.fields.update(extra_fields.form_fields(EXTENDED, partner_id=None))


class AssignForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.filter(stage__in=ACTIVE_STAGES)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = Partner.objects.filter(
            stage__in=ACTIVE_STAGES
        ).order_by("name")


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class RejectForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=RejectReason.objects.filter(active=True), required=False
    )
    note = forms.CharField(
        label=_("In your words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["reason"]).queryset = RejectReason.objects.filter(
            active=True
        )


class ConvertForm(forms.Form):
    """The registration a lead becomes: the lead's fields are prefilled by the service; the
    partner completes what a lead lacks."""

    expected_close_date = forms.DateField(
        label=_("Expected to close on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    product = forms.CharField(label=_("Product or solution"), max_length=200)
    estimated_value = forms.CharField(label=_("Estimated deal value"), max_length=30)
    currency = forms.TypedChoiceField(label=_("Currency"), choices=iso.currency_choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, partner_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields the apps above add to the registration (funds: its fund request).
        self.fields.update(extra_fields.form_fields(REGISTRATION, partner_id=partner_id))


class RuleForm(forms.ModelForm):
    countries = countries_field(
        label=_("Countries"),
        help_text=_("The lead's country is one of these (empty: any)."),
        empty_text=_("None selected: leads from any country match."),
    )
    specializations = specializations_field()

    class Meta:
        formfield_callback = numbers.formfield
        model = RoutingRule
        fields = [
            "name",
            "priority",
            "countries",
            "partner_types",
            "specializations",
            "min_tier",
            "active",
        ]
        widgets = {"partner_types": forms.CheckboxSelectMultiple}


class LeadSettingsForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = LeadSettings
        fields = ["acceptance_hours", "open_leads_cap", "reroute_on_lapse"]


class RejectReasonForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = RejectReason
        fields = ["label", "active", "order"]
        labels = {"active": _("Offered to partners")}
        help_texts = {"order": _("Lower first in the partners' list.")}
