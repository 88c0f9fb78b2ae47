"""Reads of the leads app: who sees which lead, the same customer's other leads and
registrations, per-partner lead figures."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from django.db.models import Prefetch, QuerySet

from apps.deals.models import DealRegistration

from .models import Assignment, Lead, Outcome, Status

# A partner sees a lead while it is with the partner: assigned (its inbox), accepted, converted.
PARTNER_VISIBLE = (Status.ASSIGNED, Status.ACCEPTED, Status.CONVERTED)


def leads_for(user) -> QuerySet[Lead]:
    """Staff: every lead (the vendor's queue; unrouted leads belong to no partner yet). A partner
    user: the leads with its company now, never a lead recalled or rejected (404 after)."""
    qs = Lead.objects.select_related("partner")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_id:
        return qs.filter(partner_id=user.partner_id, status__in=PARTNER_VISIBLE)
    return qs.none()


def with_history(qs: QuerySet[Lead]) -> QuerySet[Lead]:
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related(
                "partner", "rule", "assigned_by", "reject_reason"
            ).order_by("assigned_at", "id"),
        )
    )


def same_customer(lead: Lead) -> dict:
    """The registrations and the other leads of the lead's customer (its registrable domain)."""
    return {
        "registrations": list(
            DealRegistration.objects.filter(customer_domain=lead.domain)
            .select_related("partner")
            .order_by("-submitted_at")[:20]
        ),
        "leads": list(
            Lead.objects.filter(domain=lead.domain)
            .exclude(pk=lead.pk)
            .select_related("partner")
            .order_by("-created_at")[:20]
        ),
    }


def partner_lead_stats(partner_ids) -> dict[int, dict]:
    """Per partner: leads received (assignments), accepted, acceptance rate, median hours to
    accept, converted to a registration, won. Two queries, whatever the number of partners."""
    ids = list(partner_ids)
    stats: dict[int, dict] = {
        pk: {"received": 0, "accepted": 0, "answered": 0, "waits": [], "converted": 0, "won": 0}
        for pk in ids
    }
    rows = Assignment.objects.filter(partner_id__in=ids).values_list(
        "partner_id", "outcome", "assigned_at", "ended_at"
    )
    for partner_id, outcome, assigned_at, ended_at in rows:
        row = stats[partner_id]
        row["received"] += 1
        # Answered: accepted, rejected or let lapse (a recall or a pending one says nothing).
        row["answered"] += outcome in (Outcome.ACCEPTED, Outcome.REJECTED, Outcome.LAPSED)
        if outcome == Outcome.ACCEPTED:
            row["accepted"] += 1
            if ended_at is not None:
                row["waits"].append(ended_at - assigned_at)
    converted = Lead.objects.filter(partner_id__in=ids, status=Status.CONVERTED).values_list(
        "partner_id", "registration_status"
    )
    for partner_id, registration_status in converted:
        stats[partner_id]["converted"] += 1
        stats[partner_id]["won"] += registration_status == "won"
    for row in stats.values():
        waits = row.pop("waits")
        answered = row.pop("answered")
        row["acceptance_rate"] = round(100 * row["accepted"] / answered) if answered else None
        row["median_hours_to_accept"] = (
            round(median(waits) / timedelta(hours=1), 1) if waits else None
        )
        row["conversion_rate"] = (
            round(100 * row["converted"] / row["accepted"]) if row["accepted"] else None
        )
    return stats
