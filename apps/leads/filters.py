"""The lead lists' filters (API list, the manager's board and export, the portal inbox)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter, SearchFilter

from .models import Lead, Source, Status

STATUS_FILTERS = [
    *Status.choices,
    ("open", _("Open (not closed or converted)")),
    ("all", _("All")),
]
OPEN = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.REJECTED_BY_PARTNER, Status.RECALLED)


class LeadFilter(django_filters.FilterSet):
    """?status= (a status, "open", "all"), ?source=, ?search= (company, domain, product) and, for
    staff, ?partner=."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTERS, method="filter_status", empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(choices=Source.choices)
    search = SearchFilter(
        method="filter_search", help_text="Part of the company, domain or product"
    )
    partner = IdFilter(method="filter_partner", help_text="Staff only: the leads with this partner")

    class Meta:
        model = Lead
        fields = ["status", "source", "search", "partner"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.staff = bool(request is not None and request.user.is_staff_role)

    def filter_status(self, queryset: QuerySet[Lead], name: str, value: str):
        if value == "all":
            return queryset
        if value == "open":
            return queryset.filter(status__in=OPEN)
        return queryset.filter(status=value)

    def filter_search(self, queryset: QuerySet[Lead], name: str, value: str):
        return queryset.filter(
            Q(company__icontains=value) | Q(domain__icontains=value) | Q(product__icontains=value)
        )

    def filter_partner(self, queryset: QuerySet[Lead], name: str, value: int):
        return queryset.filter(partner_id=value) if self.staff else queryset
