"""Parts of composite pages: the partner detail (managers) and the portal home."""

from __future__ import annotations

from django.utils import timezone

from .models import DealRegistration, Status
from .selectors import status_counts

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 50

RECENT = 10


def partner_detail(request, partner):
    regs = partner.registrations.all()
    recent = list(regs.select_related("partner").order_by("-submitted_at", "-id")[:RECENT])
    return (
        "deals/_partner_section.html",
        {
            "partner": partner,
            "counts": status_counts(regs),
            "statuses": Status.choices,
            "recent": recent,
            "now": timezone.now(),
        },
    )


def portal_home(request):
    user = request.user
    if not user.is_partner_user:
        return None
    regs = DealRegistration.objects.filter(partner_id=user.partner_id)
    protected = list(
        regs.select_related("partner")
        .filter(status=Status.APPROVED)
        .order_by("expires_at", "id")[:5]
    )
    return (
        "deals/_portal_home.html",
        {
            "counts": status_counts(regs),
            "statuses": Status.choices,
            "protected": protected,
            "now": timezone.now(),
        },
    )
