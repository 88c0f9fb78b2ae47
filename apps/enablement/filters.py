"""The library's filters, shared by the library pages (both sides) and the API:
?phase=, ?kind=, ?tag=, ?q= (ranked full-text search) and, for staff, ?published=."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FlagFilter, SearchFilter

from .models import Kind, Phase, Resource
from .selectors import search


class ResourceFilter(django_filters.FilterSet):
    q = SearchFilter(
        method="search", label=_("Search"), help_text="Words in the title, summary or text"
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label=_("Every phase"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label=_("Every kind"))
    tag = SearchFilter(
        field_name="tags", method="tagged", max_length=40, label=_("Tag"), help_text="One tag"
    )
    published = FlagFilter(help_text="Published (true) or drafts (false); staff only")

    class Meta:
        model = Resource
        fields = ["q", "phase", "kind", "tag", "published"]

    def search(self, queryset, name, value):
        return search(queryset, value)

    def tagged(self, queryset, name, value):
        return queryset.filter(tags__contains=[value]) if value else queryset
