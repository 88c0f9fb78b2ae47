"""Portal page "My earnings": the company's rebates by registration — accrued, approved, paid —
and the totals per currency, for partner finance users and admins (members are refused)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from apps.core.access import READS_EARNINGS, partner_role_required, portal_required

from .selectors import earning_totals, earnings_for

PAGE_SIZE = 50


@portal_required
@partner_role_required(READS_EARNINGS)
def my_earnings(request):
    qs = earnings_for(request.user)
    page = Paginator(qs.order_by("-won_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/earnings/portal.html",
        {"page": page, "totals": earning_totals(qs)},
    )
