"""This app's part of the dashboard: the return on funds of the current period (won value of the
registrations credited to its activities ÷ their cost), by activity type."""

from __future__ import annotations

from django.utils import timezone

from .models import FundRequest
from .selectors import periods, return_on_funds

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 57


def dashboard(request):
    today = timezone.localdate()
    period = (
        periods().filter(starts_on__lte=today).first() or periods().order_by("starts_on").first()
    )
    if period is None:
        return None
    returns = return_on_funds(FundRequest.objects.filter(allocation__period=period), today=today)
    if not returns.by_request:
        return None
    return "funds/_dashboard.html", {"period": period, "returns": returns}
