"""Reads of the leads app: who sees which lead, the same customer's other leads and
registrations, per-partner lead figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, DurationField, F, Prefetch, Q, QuerySet

from apps.core.postgresql.aggregates import Median
from apps.deals.models import DealRegistration

from .models import Assignment, Lead, Outcome, Status

# A partner sees a lead while it is with the partner: assigned (its inbox), accepted, converted.
PARTNER_VISIBLE = (Status.ASSIGNED, Status.ACCEPTED, Status.CONVERTED)
HOUR = timedelta(hours=1)


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


def _assignment_figures(partner_ids, since: datetime | None) -> dict[int, dict]:
    """Per partner, over its assignments (since `since`): received, accepted, rejected, lapsed
    and the median time to accept. One query, grouped in PostgreSQL."""
    qs = Assignment.objects.all()
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=partner_ids)
    if since is not None:
        qs = qs.filter(assigned_at__gte=since)
    accepted = Q(outcome=Outcome.ACCEPTED)
    rows = (
        qs.values("partner_id")
        .annotate(
            received=Count("id"),
            accepted=Count("id", filter=accepted),
            rejected=Count("id", filter=Q(outcome=Outcome.REJECTED)),
            lapsed=Count("id", filter=Q(outcome=Outcome.LAPSED)),
            median_wait=Median(
                F("ended_at") - F("assigned_at"),
                filter=accepted & Q(ended_at__isnull=False),
                output_field=DurationField(),
            ),
        )
        .order_by()
    )
    return {row["partner_id"]: dict(row) for row in rows}


def _empty() -> dict:
    return {"received": 0, "accepted": 0, "rejected": 0, "lapsed": 0, "median_wait": None}


def lead_responsiveness(partner_ids=None, since: datetime | None = None) -> dict[int, dict]:
    """Per partner: {received, accepted, lapsed, median_accept_seconds} over the leads assigned
    to it (since `since`, when given) — what the partner health score counts. `partner_ids`
    None: every partner that ever received a lead; a partner named that received none gets
    zeros and None. One query whatever the number of partners."""
    ids = None if partner_ids is None else list(partner_ids)
    figures = _assignment_figures(ids, since)
    answer = {}
    for pk in figures if ids is None else ids:
        row = figures.get(pk) or _empty()
        wait = row["median_wait"]
        answer[pk] = {
            "received": row["received"],
            "accepted": row["accepted"],
            "lapsed": row["lapsed"],
            "median_accept_seconds": None if wait is None else round(wait.total_seconds()),
        }
    return answer


def partner_lead_stats(partner_ids) -> dict[int, dict]:
    """Per partner: leads received (assignments), accepted, acceptance rate (of the answered:
    accepted, rejected or let lapse — a recall or a pending one says nothing), median hours to
    accept, converted to a registration (and its rate of the accepted), won. Two queries,
    whatever the number of partners."""
    ids = list(partner_ids)
    figures = _assignment_figures(ids, None)
    outcomes = {
        partner_id: (converted, won)
        for partner_id, converted, won in Lead.objects.filter(
            partner_id__in=ids, status=Status.CONVERTED
        )
        .values("partner_id")
        .annotate(converted=Count("id"), won=Count("id", filter=Q(registration_status="won")))
        .order_by()
        .values_list("partner_id", "converted", "won")
    }
    stats = {}
    for pk in ids:
        row = figures.get(pk) or _empty()
        answered = row["accepted"] + row["rejected"] + row["lapsed"]
        converted, won = outcomes.get(pk, (0, 0))
        wait = row["median_wait"]
        stats[pk] = {
            "received": row["received"],
            "accepted": row["accepted"],
            "acceptance_rate": round(100 * row["accepted"] / answered) if answered else None,
            "median_hours_to_accept": None if wait is None else round(wait / HOUR, 1),
            "converted": converted,
            "conversion_rate": round(100 * converted / row["accepted"])
            if row["accepted"]
            else None,
            "won": won,
        }
    return stats
