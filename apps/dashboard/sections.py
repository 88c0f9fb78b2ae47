"""The dashboard's part of the portal home: the partner's money in the base currency.

Registrations by status and protection countdowns are the deals app's part of the same page,
the next QBR the qbrs app's: this part adds what neither shows.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from . import metrics

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 80


def quarter_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    month = 3 * ((local.month - 1) // 3) + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def portal_home(request):
    user = request.user
    if not getattr(user, "is_partner_user", False) or not user.partner_id:
        return None
    now = timezone.now()
    figures = metrics.partner_money(user.partner_id, quarter_start(now), now)
    return "dashboard/_portal_home.html", figures
