"""The library's filters, shared by the library pages (both sides) and the API:
?phase=, ?kind=, ?tag=, ?q= (ranked full-text search) and, for staff, ?published=."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FlagFilter, IdFilter, SearchFilter

from .models import Certification, CertificationStatus, Course, Kind, Phase, Resource
from .selectors import search


class ResourceFilter(django_filters.FilterSet):
    q = SearchFilter(
        method="search", label=_("Search"), help_text="Words in the title, summary or text"
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Phase.choices, empty_label=_("Every phase")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("Every kind")
    )
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


class CourseFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Phase.choices, empty_label=_("Every phase")
    )

    class Meta:
        model = Course
        fields = ["phase"]


class CertificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=CertificationStatus.choices, empty_label=_("Active and expired")
    )
    course = IdFilter(field_name="course_id", help_text="A course id")
    partner = IdFilter(field_name="partner_id", help_text="A partner id (staff: any partner's)")
    expiring_before = django_filters.DateFilter(
        method="expiring",
        label=_("Expiring by"),
        help_text=_("Active certifications ending on or before this date"),
    )

    class Meta:
        model = Certification
        fields = ["status", "course", "partner", "expiring_before"]

    def expiring(self, queryset, name, value):
        return queryset.filter(status=CertificationStatus.ACTIVE, expires_at__date__lte=value)
