from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model

from apps.core import numbers
from apps.program.models import PartnerType, Tier

from .models import QUALIFICATION_FIELDS, Partner, Stage

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


class PartnerForm(forms.ModelForm):
    manager = ManagerChoiceField(queryset=staff_users(), required=False, label="Partner manager")

    class Meta:
        model = Partner
        fields = ["name", "website", "partner_type", "tier", "manager"]
        labels = {"partner_type": "Partner type"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)
        fields["manager"].queryset = staff_users()
        fields["partner_type"].required = True
        fields["partner_type"].queryset = PartnerType.objects.order_by("name")
        fields["tier"].queryset = Tier.objects.order_by("rank")


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
