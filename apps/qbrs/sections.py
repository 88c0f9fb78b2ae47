"""This app's parts of composite pages: the partner detail's QBR section, the portal home's
next QBR. Each costs a fixed number of queries."""

from __future__ import annotations

from django.utils import timezone

from . import selectors
from .loop import loop_history
from .models import OwnerSide

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 60


def partner_detail(request, partner):
    now = timezone.now()
    return (
        "qbrs/_partner_section.html",
        {
            "partner": partner,
            "next": selectors.next_qbr(partner),
            "recent": selectors.recent_qbrs(partner, limit=6),
            "loop": loop_history(partner, now),
            "now": now,
            "can_schedule": partner.stage != "exited",
        },
    )


def portal_home(request):
    user = request.user
    if not getattr(user, "is_partner_user", False):
        return None
    next_qbr = selectors.next_qbr(user.partner_id)
    open_items = (
        selectors.action_items_for(user).filter(done=False, owner_side=OwnerSide.PARTNER).count()
    )
    return ("qbrs/_portal_home.html", {"next": next_qbr, "open_items": open_items})
