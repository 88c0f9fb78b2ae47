"""The partners list's filters: the API's (?search=, ?stage=) and the page's, which its CSV
export shares (type, tier, manager, sort)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterForm, SearchFilter
from apps.program.models import PartnerType, Tier

from .forms import staff_users
from .models import Partner, Stage
from .selectors import visible_partners

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "stage": ("stage", "name"),
    "entered": ("stage_entered_at", "id"),
    "-entered": ("-stage_entered_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}
SORT_CHOICES = [
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("stage", "Stage"),
    ("entered", "Longest in stage"),
    ("-entered", "Newest in stage"),
    ("-created", "Newest partners"),
]


class PartnerFilter(django_filters.FilterSet):
    search = SearchFilter(
        method="filter_search",
        max_length=200,
        label=_("Search"),
        help_text="Part of the name or website",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or website"}),
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label=_("All stages"))

    class Meta:
        model = Partner
        fields = ["search", "stage"]
        form = FilterForm

    def filter_search(self, queryset: QuerySet[Partner], name: str, value: str):
        return queryset.filter(Q(name__icontains=value) | Q(website__icontains=value))


class PartnerListFilter(PartnerFilter):
    """The page's filters. Their choices are read when the filter is made (one query each):
    the page draws them, and a value outside them is an error the form shows."""

    partner_type = django_filters.ChoiceFilter(
        field_name="partner_type__key", label=_("Type"), empty_label=_("All types")
    )
    tier = django_filters.ChoiceFilter(
        field_name="tier_id", label=_("Tier"), empty_label=_("All tiers")
    )
    manager = django_filters.ChoiceFilter(
        field_name="manager_id", label=_("Manager"), empty_label=_("All managers")
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", label=_("Sort"), empty_label=None
    )

    class Meta(PartnerFilter.Meta):
        fields = [*PartnerFilter.Meta.fields, "partner_type", "tier", "manager", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {
            "partner_type": [(t.key, t.name) for t in PartnerType.objects.order_by("name")],
            "tier": [(t.pk, t.name) for t in Tier.objects.order_by("rank")],
            "manager": [(u.pk, u.get_full_name() or u.username) for u in staff_users()],
        }
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options

    def sort_by(self, queryset: QuerySet[Partner], name: str, value: str):
        return queryset.order_by(*SORTS[value])


def partner_list(user, params) -> PartnerListFilter:
    """The partners list's filters bound to a query string (unbound when it is empty); `.qs` is
    the list, `.form` the filter form. The list page and its CSV export both read their rows
    here, so the export holds exactly the rows the page lists."""
    return PartnerListFilter(
        params or None, queryset=visible_partners(user).order_by(*SORTS["name"])
    )
