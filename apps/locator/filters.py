"""The directory's search, shared by the public page and `GET /api/v1/locator/partners/`:
?q= (text in the public name, description or specializations), ?country= (an ISO code the
partner serves; any other value is refused) and ?specialization= (one of the partner's)."""

from __future__ import annotations

import django_filters
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from apps.core.filters import SearchFilter
from apps.core.iso import COUNTRY_CODES

from .models import Listing


class ArrayToString(Func):
    function = "array_to_string"
    output_field = CharField()


class DirectoryFilter(django_filters.FilterSet):
    q = SearchFilter(
        label=_("Search"),
        method="filter_text",
        help_text=_("Part of the partner's public name, description or specializations"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=[(code, code) for code in sorted(COUNTRY_CODES)],  # an enum in the schema
        method="filter_country",
        empty_label=_("Any country"),
        help_text=_("An ISO 3166-1 code the partner serves, e.g. DE"),
    )
    specialization = SearchFilter(
        label=_("Specialization"),
        method="filter_specialization",
        help_text=_("One of the partner's specializations, as listed"),
    )

    class Meta:
        model = Listing
        fields = ["q", "country", "specialization"]

    def filter_text(self, queryset: QuerySet[Listing], name: str, value: str):
        if not value:
            return queryset
        words = ArrayToString(F("partner__specializations"), Value(" "))
        return queryset.alias(specialization_words=words).filter(
            Q(public_name__icontains=value)
            | (Q(public_name="") & Q(partner__name__icontains=value))
            | Q(description__icontains=value)
            | Q(specialization_words__icontains=value)
        )

    def filter_country(self, queryset: QuerySet[Listing], name: str, value: str):
        return queryset.filter(partner__countries__contains=[value]) if value else queryset

    def filter_specialization(self, queryset: QuerySet[Listing], name: str, value: str):
        return queryset.filter(partner__specializations__contains=[value]) if value else queryset
