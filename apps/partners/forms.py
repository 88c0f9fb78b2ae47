from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model

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


SORT_CHOICES = [
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("stage", "Stage"),
    ("entered", "Longest in stage"),
    ("-entered", "Newest in stage"),
    ("-created", "Newest partners"),
]


class PartnerFilterForm(forms.Form):
    search = forms.CharField(required=False, max_length=200, label="Search")
    stage = forms.ChoiceField(required=False, choices=[("", "All stages"), *Stage.choices])
    partner_type = forms.ChoiceField(required=False, label="Type")
    tier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    manager = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def __init__(self, *args, types=(), tiers=(), managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields = cast(dict[str, forms.ChoiceField], self.fields)
        choice_fields["partner_type"].choices = [("", "All types")] + [
            (t.key, t.name) for t in types
        ]
        choice_fields["tier"].choices = [("", "All tiers")] + [(t.pk, t.name) for t in tiers]
        choice_fields["manager"].choices = [("", "All managers")] + [
            (u.pk, u.get_full_name() or u.username) for u in managers
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "")
        self.fields["search"].widget.attrs.update(
            {"type": "search", "placeholder": "Name or website"}
        )


def list_filters(params) -> tuple[PartnerFilterForm, dict]:
    """The partners list's filter form bound to a query string, and the filters it yields for
    `selectors.partner_list` (none when the form does not validate). The list page and its CSV
    export both read their filters here, so the export holds exactly the rows the page lists."""
    form = PartnerFilterForm(
        params or None,
        types=PartnerType.objects.order_by("name"),
        tiers=Tier.objects.order_by("rank"),
        managers=staff_users(),
    )
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})
