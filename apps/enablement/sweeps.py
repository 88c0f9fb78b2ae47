"""`certification_expiry`: 30 days before a certification ends, its person and their partner's
admins are reminded (once: `reminded_at`); once it has ended, it expires. Due work is read
through the partial indexes of active certifications (certification_remind_idx,
certification_due_idx), so a repeat pass reads nothing it handled."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import PartnerRole, Role, User
from apps.core.sweeps import sweep
from apps.notifications.services import Message, Text, notify_batch

from .models import REMINDER_OWED, Certification, CertificationStatus
from .services.courses import RENEWAL_WINDOW, certification_expire


def _admins_of(partner_ids: set[int]) -> dict[int, list[User]]:
    admins: dict[int, list[User]] = {}
    for user in User.objects.filter(
        partner_id__in=partner_ids,
        role=Role.PARTNER,
        partner_role=PartnerRole.ADMIN,
        is_active=True,
    ):
        admins.setdefault(user.partner_id, []).append(user)  # type: ignore[arg-type]
    return admins


def _reminders(certs: list[Certification]) -> list[Message]:
    admins = _admins_of({c.partner_id for c in certs})
    messages = []
    for c in certs:
        values = {
            "course": c.course.title,
            "person": c.user.get_full_name() or c.user.username,
            "date": timezone.localdate(c.expires_at),
        }
        key = f"certification-expiring:{c.pk}:{c.expires_at:%Y%m%d}"
        link = reverse("portal:course", args=[c.course_id])
        messages.append(
            Message(
                [c.user] if c.user.is_active else [],
                "certification_expiring",
                Text(gettext_noop("Your “%(course)s” certification expires on %(date)s"), values),
                key,
                Text(gettext_noop("Take the course again to renew it before then."), values),
                link,
            )
        )
        messages.append(
            Message(
                [a for a in admins.get(c.partner_id, []) if a.pk != c.user_id],
                "certification_expiring",
                Text(
                    gettext_noop("%(person)s's “%(course)s” certification expires on %(date)s"),
                    values,
                ),
                key,
                Text(
                    gettext_noop("They can take the course again in the portal to renew it."),
                    values,
                ),
                reverse("portal:certifications"),
            )
        )
    return messages


@sweep("certification_expiry")
def certification_expiry(now: datetime) -> dict:
    remind = list(
        Certification.objects.filter(
            REMINDER_OWED, expires_at__gt=now, expires_at__lte=now + RENEWAL_WINDOW
        )
        .select_related("user", "course")
        .order_by("expires_at", "id")
    )
    sent = notify_batch(_reminders(remind)) if remind else 0
    Certification.objects.filter(pk__in=[c.pk for c in remind], reminded_at__isnull=True).update(
        reminded_at=now
    )
    expired = 0
    for cert in Certification.objects.filter(
        status=CertificationStatus.ACTIVE, expires_at__lte=now
    ).order_by("expires_at", "id"):
        with transaction.atomic():
            locked = Certification.objects.select_for_update().get(pk=cert.pk)
            if locked.status == CertificationStatus.ACTIVE:
                certification_expire(certification=locked, now=now)
                expired += 1
    return {"reminded": len(remind), "notifications": sent, "expired": expired}
