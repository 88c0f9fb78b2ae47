from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.core import numbers
from apps.core.errors import InvalidInput
from apps.core.iso import country_choices
from apps.core.widgets import CheckboxSelectMultipleWidget
from apps.program.models import PartnerType, Tier

from .models import QUALIFICATION_FIELDS, Partner, Stage
from .services import clean_countries, clean_specializations

SCORE_CHOICES = [("", "—")] + [(i, str(i)) for i in range(1, 6)]


def staff_users():
    return (
        get_user_model()
        .objects.filter(role__in=["admin", "manager"], is_active=True)
        .order_by("first_name", "username")
    )


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CommaListField(forms.CharField):
    """A list typed as "Security, Cloud" (or one a line): cleaned by the service's cleaner
    (`clean_list`), its error shown next to the field."""

    def __init__(self, *, clean_list, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 4000)
        super().__init__(**kwargs)
        self.clean_list = clean_list

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        text = super().clean(value) or ""
        items = [item for line in text.splitlines() for item in line.split(",")]
        try:
            return self.clean_list(items)
        except InvalidInput as exc:
            raise forms.ValidationError(next(iter(exc.errors.values()))) from exc


class CountriesField(forms.MultipleChoiceField):
    """The countries served, ticked in a list of names in the reader's language; the ISO codes
    are what is posted and stored. Checked by the service's cleaner (`clean_countries`), so a
    page, the portal and the API refuse the same codes with the same words. A posted value may
    also be a comma-separated list of codes ("DE, AT"), as the typed field took."""

    def __init__(self, *, empty_text=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", country_choices)  # named when the form is drawn
        kwargs.setdefault("label", _("Countries served"))
        kwargs["widget"] = CheckboxSelectMultipleWidget(
            filter_label=_("Find a country"),
            empty_text=empty_text or _("No country selected."),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        values = super().to_python(value)
        return [item for v in values for item in v.split(",")]

    def validate(self, value):
        # Only "required": an unknown code gets the cleaner's own message, in clean().
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        items = super().clean(value)
        try:
            return clean_countries(items)
        except InvalidInput as exc:
            raise forms.ValidationError(next(iter(exc.errors.values()))) from exc


def countries_field(**kwargs) -> CountriesField:
    return CountriesField(**kwargs)


def specializations_field(**kwargs) -> CommaListField:
    return CommaListField(
        clean_list=clean_specializations,
        label=_("Specializations"),
        help_text=_("Separated by commas, e.g. Security, Cloud migration."),
        **kwargs,
    )


class PartnerForm(forms.ModelForm):
    manager = ManagerChoiceField(queryset=staff_users(), required=False, label=_("Partner manager"))
    countries = countries_field()
    specializations = specializations_field()

    class Meta:
        model = Partner
        fields = [
            "name",
            "website",
            "partner_type",
            "tier",
            "manager",
            "countries",
            "specializations",
            "listed_in_locator",
        ]
        labels = {
            "partner_type": _("Type of partnership"),
            "listed_in_locator": _("Listed in the locator"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)
        fields["manager"].queryset = staff_users()
        fields["partner_type"].required = True
        fields["partner_type"].queryset = PartnerType.objects.order_by("name")
        fields["tier"].queryset = Tier.objects.order_by("rank")


class ReachProposalForm(forms.Form):
    """The partner admin's proposal of the countries and specializations its company serves."""

    countries = countries_field()
    specializations = specializations_field()


class QualificationForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = Partner
        fields = list(QUALIFICATION_FIELDS)
        widgets = {f: forms.Select(choices=SCORE_CHOICES) for f in QUALIFICATION_FIELDS}


class TransitionForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    from_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    # An exit is confirmed from its preview: the fingerprint of what the person was shown.
    confirmed_impact = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
