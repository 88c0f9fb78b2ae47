"""The funds app's parts of composite pages (apps.core.sections): the partner's earnings on the
partner page."""

from __future__ import annotations

from .selectors import earning_totals, earnings_for

# The place of this app's parts on composite pages, lower first.
ORDER = 75


def partner_detail(request, partner):
    # Constant queries: the totals per currency, and the five latest accruals.
    qs = earnings_for(request.user).filter(partner=partner)
    return "funds/earnings/_partner_section.html", {
        "earning_totals": earning_totals(qs),
        "latest_earnings": list(qs.order_by("-won_on", "-id")[:5]),
        "earnings_partner": partner,
    }
