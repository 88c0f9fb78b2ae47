"""This app's parts of composite pages: on the dashboard the partners' lead figures, on a
partner's page its reach (and a proposal waiting) and lead figures, on the portal home the
leads waiting for an answer."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from apps.core.freshness import Inputs, Watch, kept
from apps.partners.models import ACTIVE_STAGES, Partner

from .models import Assignment, Lead, Status
from .selectors import partner_lead_stats

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 55
DASHBOARD_ROWS = 10


def _dashboard_inputs() -> list[Watch]:
    return [
        Watch(Lead._meta.db_table),
        Watch(Assignment._meta.db_table),
        Watch(Partner._meta.db_table, columns=(Partner._meta.get_field("name").column,)),
    ]


# What the dashboard's part reads: leads, their assignments, the partners' names (no clock).
DASHBOARD_INPUTS = Inputs("leads_dashboard", _dashboard_inputs)


def dashboard(now):
    """The partners that received the most leads, with their figures, and the leads waiting for
    a partner; kept until a write to leads, assignments or a partner's name (apps/core/
    freshness.py), so the dashboard's refresh after a registration's write does not rank them
    again."""
    return kept(DASHBOARD_INPUTS, "all", _dashboard)


def _dashboard():
    """Ranked in the database over every partner (four queries)."""
    top = list(
        Assignment.objects.values("partner_id")
        .annotate(received=Count("id"))
        .order_by("-received", "partner__name", "partner_id")
        .values_list("partner_id", "partner__name")[:DASHBOARD_ROWS]
    )
    if not top:
        return None
    stats = partner_lead_stats([pk for pk, _ in top])
    rows = [{"partner_id": pk, "name": name, **stats[pk]} for pk, name in top]
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
