"""The fund lists' filters, shared by the API's lists and the CSV export."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.filters import CurrencyFilter, IdFilter

from .models import (
    ActivityType,
    BatchStatus,
    EarningAccrual,
    EarningStatus,
    FundAllocation,
    FundPeriod,
    FundRequest,
    PayoutBatch,
    Status,
)


class FundRequestFilter(django_filters.FilterSet):
    """?status=, ?activity_type=, ?allocation= and, for staff, ?partner=."""

    status = django_filters.ChoiceFilter(choices=Status.choices)
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices)
    allocation = IdFilter(field_name="allocation_id")
    partner = IdFilter(method="filter_partner", help_text="Staff only: this partner's")

    class Meta:
        model = FundRequest
        fields = ["status", "activity_type", "allocation", "partner"]

    def filter_partner(self, queryset: QuerySet[FundRequest], name: str, value: int):
        user = getattr(self.request, "user", None)
        return queryset.filter(partner_id=value) if user and user.is_staff_role else queryset


class FundAllocationFilter(django_filters.FilterSet):
    """?period= and, for staff, ?partner=."""

    period = IdFilter(field_name="period_id")
    partner = IdFilter(method="filter_partner", help_text="Staff only: this partner's")

    class Meta:
        model = FundAllocation
        fields = ["period", "partner"]

    def filter_partner(self, queryset: QuerySet[FundAllocation], name: str, value: int):
        user = getattr(self.request, "user", None)
        return queryset.filter(partner_id=value) if user and user.is_staff_role else queryset


class EarningFilter(django_filters.FilterSet):
    """?status=, ?currency=, ?batch= and, for staff, ?partner=."""

    status = django_filters.ChoiceFilter(choices=EarningStatus.choices)
    currency = CurrencyFilter()
    batch = IdFilter(field_name="batch_id")
    partner = IdFilter(method="filter_partner", help_text="Staff only: this partner's")

    class Meta:
        model = EarningAccrual
        fields = ["status", "currency", "batch", "partner"]

    def filter_partner(self, queryset: QuerySet[EarningAccrual], name: str, value: int):
        user = getattr(self.request, "user", None)
        return queryset.filter(partner_id=value) if user and user.is_staff_role else queryset


class PayoutBatchFilter(django_filters.FilterSet):
    """?status=."""

    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)

    class Meta:
        model = PayoutBatch
        fields = ["status"]


class ReviewQueueFilter(django_filters.FilterSet):
    """The manager's review queue: ?q=claims for the claims waiting, else the requests; any other
    value is refused, not read as the requests."""

    q = django_filters.ChoiceFilter(
        choices=[("requests", _("Requests")), ("claims", _("Claims"))], label=_("Queue")
    )

    class Meta:
        model = FundRequest
        fields = ["q"]

    @property
    def claims(self) -> bool:
        return self.is_valid() and self.form.cleaned_data.get("q") == "claims"

    def filter_queryset(self, queryset: QuerySet[FundRequest]) -> QuerySet[FundRequest]:
        return queryset.filter(status=Status.CLAIMED if self.claims else Status.SUBMITTED)


class OverviewFilter(django_filters.FilterSet):
    """The funds overview's ?period=: one of the periods (the latest when left out); an id that
    names none is refused, not read as the latest. Its choices are the periods the page has
    already read (no query of its own)."""

    period = django_filters.ChoiceFilter(method="chosen", label=_("Period"))

    class Meta:
        model = FundPeriod
        fields = ["period"]

    def __init__(self, data, *, periods: list[FundPeriod]):
        super().__init__(data, queryset=FundPeriod.objects.none())
        self.periods = periods
        self.filters["period"].extra["choices"] = [(str(p.pk), p.name) for p in periods]

    def chosen(self, queryset: QuerySet[FundPeriod], name: str, value: str):
        return queryset  # the page shows one period: `period` below

    @property
    def shown_period(self) -> FundPeriod | None:
        if self.is_bound and not self.is_valid():
            return None
        wanted = self.form.cleaned_data.get("period") if self.is_bound else None
        if wanted:
            return next(p for p in self.periods if str(p.pk) == wanted)
        return self.periods[0] if self.periods else None
