"""Parts of composite pages: the partner page's agreements, the portal home's ones to sign."""

from __future__ import annotations

from apps.core.access import READS_AGREEMENTS, partner_role_allows

from .models import Status
from .selectors import agreements_of, visible_agreements

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 40


def partner_detail(request, partner):
    return "agreements/_partner_section.html", {
        "partner": partner,
        "agreements": list(agreements_of(partner)),
    }


def portal_home(request):
    if not partner_role_allows(request.user, READS_AGREEMENTS):
        return None
    to_sign = list(visible_agreements(request.user).filter(status=Status.SENT)[:10])
    return "agreements/_portal_home.html", {"to_sign": to_sign}
