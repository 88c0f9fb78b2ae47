"""The QBR lists' filters: the API's list, the manager's list page and its CSV export."""

from __future__ import annotations

from datetime import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FlagFilter, IdFilter, SearchFilter

from .models import QBR, Status
from .selectors import manager_list

STATUS_FILTERS = [("overdue", _("Overdue")), *Status.choices]


class QBRFilter(django_filters.FilterSet):
    """?status= (a status, or "overdue": scheduled and past its time), ?mine=1 (the partners the
    user manages), ?q= (partner name or quarter) and ?partner=."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTERS, method="filter_status", empty_label=_("All")
    )
    mine = FlagFilter(
        method="filter_mine",
        help_text="1 or true: only the partners the user manages",
    )
    q = SearchFilter(method="filter_search", help_text="Part of the partner's name or quarter")
    partner = IdFilter(field_name="partner_id", help_text="Only this partner's QBRs")

    class Meta:
        model = QBR
        fields = ["status", "mine", "q", "partner"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None, now=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = request.user if user is None else user
        self.now = now or timezone.now()

    def filter_status(self, queryset: QuerySet[QBR], name: str, value: str):
        if value == "overdue":
            return queryset.filter(status=Status.SCHEDULED, scheduled_for__lt=self.now)
        return queryset.filter(status=value)

    def filter_mine(self, queryset: QuerySet[QBR], name: str, value: bool):
        return queryset.filter(partner__manager=self.user) if value else queryset

    def filter_search(self, queryset: QuerySet[QBR], name: str, value: str):
        return queryset.filter(Q(partner__name__icontains=value) | Q(quarter__icontains=value))


def manager_list_filter(user, params, *, now: datetime) -> QBRFilter:
    """The manager's list with its filters (overdue first, …): the list page and its CSV
    export both read it here."""
    return QBRFilter(params, queryset=manager_list(now=now), user=user, now=now)
