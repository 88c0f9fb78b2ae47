"""The registration lists' filters: the API's list, the review queue, the partner's portal list
and their CSV exports all parse their query string here."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter, SearchFilter
from apps.core.postgresql.expressions import Constant

from .models import DealRegistration, Status
from .selectors import registrations_for, with_pending_extension

STATUS_FILTERS = [*Status.choices, ("extension", _("Extension requested")), ("all", _("All"))]


class RegistrationFilter(django_filters.FilterSet):
    """?status= (a status, "extension": an extension is waiting, "all"), ?search= or ?q= and,
    for staff only, ?partner=. Staff search partner names too; a partner user's lists ignore
    ?partner= (they see their own company's only)."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTERS, method="filter_status", empty_label=_("All")
    )
    search = SearchFilter(
        method="filter_search",
        help_text="Part of the customer's name or domain or of the product; staff: also of the "
        "partner's name",
    )
    q = SearchFilter(method="filter_search", help_text="The same as search")
    partner = IdFilter(method="filter_partner", help_text="Staff only: this partner's")

    class Meta:
        model = DealRegistration
        fields = ["status", "search", "q", "partner"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, staff=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.staff = bool(request.user.is_staff_role) if staff is None else staff

    def filter_status(self, queryset: QuerySet[DealRegistration], name: str, value: str):
        if value == "all":
            return queryset
        if value == "extension":
            return with_pending_extension(queryset).filter(extension_pending=True)
        # Written into the SQL (a status is a choice): a prepared statement's generic plan
        # keeps the partial index of its status (deal_waiting_idx for the review queue).
        return queryset.filter(status=Constant(value))

    def filter_search(self, queryset: QuerySet[DealRegistration], name: str, value: str):
        matches = (
            Q(customer_name__icontains=value)
            | Q(customer_domain__icontains=value)
            | Q(product__icontains=value)
        )
        if self.staff:  # staff look across partners: a partner's name finds its registrations
            matches |= Q(partner__name__icontains=value)
        return queryset.filter(matches)

    def filter_partner(self, queryset: QuerySet[DealRegistration], name: str, value: int):
        return queryset.filter(partner_id=value) if self.staff else queryset


class ReviewQueueFilter(RegistrationFilter):
    """The review queue: no status means the waiting ones, oldest first (deal_waiting_idx);
    other statuses by their latest submission."""

    # No blank choice: a blank status is the waiting ones, and "all" says all.
    status = django_filters.ChoiceFilter(
        choices=STATUS_FILTERS, method="filter_status", empty_label=None
    )

    def __init__(self, data=None, queryset=None, **kwargs):
        data = dict((data or {}).items())
        data["status"] = (data.get("status") or "").strip() or Status.SUBMITTED
        super().__init__(data, queryset, staff=True, **kwargs)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("status") == Status.SUBMITTED:
            return qs.order_by("submitted_at", "id")
        return qs.order_by("-submitted_at", "-id")


def review_queue_filter(params) -> ReviewQueueFilter:
    return ReviewQueueFilter(params, queryset=DealRegistration.objects.select_related("partner"))


def review_queue(params=None) -> QuerySet[DealRegistration]:
    """The review queue page and its CSV export both read this."""
    return review_queue_filter(params).qs


def portal_filter(user, params) -> RegistrationFilter:
    """A partner user's own registrations as their list shows them (its filters, newest first);
    the portal list and its CSV export both read this."""
    qs = registrations_for(user).order_by("-submitted_at", "-id")
    return RegistrationFilter(params or None, queryset=qs, staff=False)


def portal_list(user, params) -> QuerySet[DealRegistration]:
    return portal_filter(user, params).qs
