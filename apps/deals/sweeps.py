"""deal_review_sla and deal_expiry: decided from database state, idempotent by notification key.

Their reminders go out through notify_batch: a few queries per 500, whatever is due (a catch-up
over 1,000,000 registrations sends tens of thousands), and a repeat run creates nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.accounts import audiences
from apps.core.sweeps import sweep
from apps.notifications.services import Message, notify_batch
from apps.program.models import ProgramSettings

from .models import DealRegistration, Status
from .services import registration_transition

BATCH = 500


@sweep("deal_review_sla")
def deal_review_sla(now: datetime) -> dict:
    """Remind the owning manager past the SLA; escalate to the admins at twice the SLA."""
    sla = timedelta(hours=ProgramSettings.get().review_sla_hours)
    waiting = list(
        DealRegistration.objects.select_related("partner", "partner__manager")
        .filter(status=Status.SUBMITTED, submitted_at__lte=now - sla)  # deal_waiting_idx
        .order_by("submitted_at", "id")
    )
    if not waiting:
        return {"reminded": 0, "escalated": 0}
    admin_users = audiences.admin_list()
    reminders, escalations = [], []
    for reg in waiting:
        manager = reg.partner.manager
        to = [manager] if manager and manager.is_active else admin_users
        reminders.append((reg, f"deal-sla:{reg.pk}", to))
        if now - reg.submitted_at >= 2 * sla:
            escalations.append((reg, f"deal-sla-escalated:{reg.pk}", admin_users))
    sla_h = int(sla.total_seconds() // 3600)

    def hours(reg) -> int:
        return int((now - reg.submitted_at).total_seconds() // 3600)

    reminded = notify_batch(
        Message(
            recipients=to,
            kind="deal_review_sla",
            subject=f"Registration waiting {hours(reg)} h: {reg.customer_name} ({reg.partner.name})",
            body=f"{reg.partner.name}'s registration of {reg.customer_name} has waited past the "
            f"{sla_h} h review SLA.",
            key=key,
            link=reverse("deals:detail", args=[reg.pk]),
        )
        for reg, key, to in reminders
    )
    escalated = notify_batch(
        Message(
            recipients=to,
            kind="deal_review_escalated",
            subject=f"Escalated: registration waiting {hours(reg)} h: {reg.customer_name}",
            body=f"{reg.partner.name}'s registration of {reg.customer_name} has waited twice "
            f"the {sla_h} h review SLA.",
            key=key,
            link=reverse("deals:detail", args=[reg.pk]),
        )
        for reg, key, to in escalations
    )
    return {"reminded": reminded, "escalated": escalated}


@sweep("deal_expiry")
def deal_expiry(now: datetime) -> dict:
    """Remind the partner N days before protection ends; expire lapsed approved registrations."""
    days = ProgramSettings.get().deal_expiry_reminder_days
    expired = 0
    soon = list(
        DealRegistration.objects.filter(
            status=Status.APPROVED, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
        ).order_by("expires_at", "id")  # deal_protected_until_idx
    )
    users_by_partner = audiences.partner_users_of({r.partner_id for r in soon})
    candidates = [
        (
            reg,
            f"deal-expiry-{days}d:{reg.pk}:{reg.expires_at:%Y%m%d}",
            users_by_partner[reg.partner_id],
        )
        for reg in soon
    ]
    # The end date is in the key: after an extension, the new end is reminded again.
    reminded = notify_batch(
        Message(
            recipients=to,
            kind="deal_expiry_reminder",
            subject=f"Protection ends {timezone.localtime(reg.expires_at):%d %b %Y}: "
            f"{reg.customer_name}",
            body=f"The protection of {reg.customer_name} ends on "
            f"{timezone.localtime(reg.expires_at):%d %b %Y} ({(reg.expires_at - now).days} days "
            "left). Ask your partner manager for an extension if the deal needs more time.",
            key=key,
            link=reverse("portal:deal_detail", args=[reg.pk]),
        )
        for reg, key, to in candidates
        if to
    )
    lapsed = DealRegistration.objects.select_related("partner").filter(
        status=Status.APPROVED, expires_at__lte=now
    )
    last_id = 0
    while batch := list(lapsed.filter(pk__gt=last_id).order_by("pk")[:BATCH]):
        for reg in batch:
            registration_transition(
                registration=reg, name="expire", actor=None, now=now, via="sweep"
            )
            expired += 1
        last_id = batch[-1].pk
    return {"reminded": reminded, "expired": expired}
