from __future__ import annotations

from django.db.models import QuerySet

from .models import Agreement, Status


def visible_agreements(user) -> QuerySet[Agreement]:
    """Staff see every agreement; a partner user those sent to their company (never drafts)."""
    qs = Agreement.objects.select_related("partner")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id).exclude(status=Status.DRAFT)
    return qs.none()


def agreements_of(partner) -> QuerySet[Agreement]:
    return Agreement.objects.filter(partner=partner).order_by("-start_date", "-id")
