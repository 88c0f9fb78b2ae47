"""This app's parts of composite pages (apps/core/sections.py): on the dashboard, the return on
funds of the current period (won value of the registrations credited to its activities ÷ their
cost), by activity type; on the partner page, the partner's earnings; on a registration's page,
the marketing activity credited with it."""

from __future__ import annotations

from django.utils import timezone

from apps.core.freshness import kept

from . import freshness
from .models import Attribution, FundRequest
from .selectors import earning_totals, earnings_for, periods, return_by_activity

# The place of this app's parts on composite pages, lower first.
ORDER = 57


def dashboard(now):
    """The current period's return by activity type, kept until a write moves the return's
    inputs (freshness.RETURN) or the day changes (open registrations are valued at today's
    rate): a refresh of the dashboard after an unrelated write reads one small index."""
    today = timezone.localdate(now)
    return kept(freshness.RETURN, today, lambda: _dashboard(today))


def _dashboard(today):
    period = (
        periods().filter(starts_on__lte=today).first() or periods().order_by("starts_on").first()
    )
    if period is None:
        return None
    returns = return_by_activity(FundRequest.objects.filter(allocation__period=period), today=today)
    if not returns.by_activity:
        return None
    # What the part shows, not every request's figures: it is kept in the dashboard's snapshot.
    return "funds/_dashboard.html", {
        "period": period,
        "total": returns.total,
        "activity_rows": returns.activity_rows(),
        "base": returns.base,
    }


def partner_detail(request, partner):
    # Constant queries: the totals per currency, and the five latest accruals.
    qs = earnings_for(request.user).filter(partner=partner)
    return "funds/earnings/_partner_section.html", {
        "earning_totals": earning_totals(qs),
        "latest_earnings": list(qs.order_by("-won_on", "-id")[:5]),
        "earnings_partner": partner,
    }


def registration_detail(request, registration):
    attribution = (
        Attribution.objects.filter(registration=registration)
        .select_related("request__allocation__period")
        .first()
    )
    if attribution is None:
        return None
    return "funds/_registration_section.html", {"attribution": attribution}
