"""This app's parts of composite pages: on the dashboard the partners' lead figures, on a
partner's page its reach (and a proposal waiting) and lead figures, on the portal home the
leads waiting for an answer."""

from __future__ import annotations

from django.utils import timezone

from apps.partners.models import ACTIVE_STAGES, Partner

from .models import Lead, Status
from .selectors import partner_lead_stats

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 55
DASHBOARD_ROWS = 10


def dashboard(now):
    partner_ids = list(
        Lead.objects.filter(assignments__isnull=False)
        .values_list("assignments__partner_id", flat=True)
        .distinct()
        .order_by()[:500]
    )
    if not partner_ids:
        return None
    stats = partner_lead_stats(partner_ids)
    names = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    rows = sorted(
        ({"partner_id": pk, "name": names.get(pk, ""), **row} for pk, row in stats.items()),
        key=lambda r: (-r["received"], r["name"]),
    )[:DASHBOARD_ROWS]
    waiting = Lead.objects.filter(
        status__in=[Status.NEW, Status.REJECTED_BY_PARTNER, Status.RECALLED]
    ).count()
    return "leads/_dashboard.html", {"rows": rows, "waiting": waiting}


def partner_detail(request, partner):
    return (
        "leads/_partner_section.html",
        {
            "partner": partner,
            "stats": partner_lead_stats([partner.pk])[partner.pk],
            "active": partner.stage in ACTIVE_STAGES,
        },
    )


def portal_home(request):
    user = request.user
    if not user.is_partner_user:
        return None
    waiting = list(
        Lead.objects.filter(partner_id=user.partner_id, status=Status.ASSIGNED).order_by(
            "accept_by"
        )[:5]
    )
    if not waiting:
        return None
    return "leads/_portal_home.html", {"waiting": waiting, "now": timezone.now()}
