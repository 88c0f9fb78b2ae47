from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


def _key(key: str, recipient_id: int) -> str:
    return f"{key}:u{recipient_id}"[:255]


@dataclass(frozen=True)
class Message:
    """One reason to tell some people something; `key` names the reason and its date."""

    recipients: Iterable
    kind: str
    subject: str
    key: str
    body: str = ""
    link: str = ""


def notify(
    *, recipients: Iterable, kind: str, subject: str, key: str, body: str = "", link: str = ""
) -> int:
    """Notify each recipient once per `key` (a reason and its date, e.g. `onboarding-14d:p7`).

    Idempotent: a second call with the same key creates nothing. Returns how many were created.
    Delivery by e-mail happens from the outbox (the notification_delivery sweep), and is nudged
    right after commit so it need not wait for the next beat.
    """
    return notify_batch([Message(recipients, kind, subject, key, body, link)])


def notify_batch(messages: Iterable[Message]) -> int:
    """notify() for many messages in two queries, whatever their number (for sweeps)."""
    rows: dict[str, Notification] = {}
    for m in messages:
        for recipient_id in {getattr(r, "pk", r) for r in m.recipients}:
            row = Notification(
                recipient_id=recipient_id,
                kind=m.kind,
                subject=m.subject[:200],
                body=m.body,
                link=m.link[:500],
                key=_key(m.key, recipient_id),
            )
            rows.setdefault(row.key, row)
    if not rows:
        return 0
    existing = set(Notification.objects.filter(key__in=list(rows)).values_list("key", flat=True))
    fresh = [row for key, row in rows.items() if key not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    if fresh and settings.NOTIFY_NUDGE_DELIVERY:
        transaction.on_commit(_nudge_delivery)
    return len(fresh)


# After a failed nudge, requests stop trying the broker for a while: with Redis down, each
# nudge would otherwise wait for a connection timeout inside the user's request.
BROKER_BACKOFF_SECONDS = 30
_broker_down_until = 0.0


def _nudge_delivery() -> None:
    global _broker_down_until
    from apps.core.tasks import run_sweep

    if time.monotonic() < _broker_down_until:
        return  # the beat's sweep delivers from the outbox once the broker is back
    try:
        run_sweep.apply_async(
            args=("notification_delivery",),
            retry=False,
            ignore_result=True,
            connect_timeout=1,
        )
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        log.warning("Broker unavailable; notification e-mail stays in the outbox.")


def mark_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def deliver_outbox(*, now: datetime, batch_size: int = 200) -> dict:
    """E-mail pending notifications. Rows are locked while sent, so two workers never send one
    twice; a failure is retried on the next run, up to MAX_EMAIL_ATTEMPTS."""
    sent = failed = skipped = 0
    connection = get_connection()
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
                .order_by("id")[:batch_size]
            )
            if not batch:
                break
            for n in batch:
                recipient = n.recipient
                if not recipient.email or not recipient.is_active:
                    n.emailed_at, n.email_error = now, "no address"
                    skipped += 1
                    continue
                link = f"\n\n{settings.SITE_URL}{n.link}" if n.link else ""
                message = EmailMessage(
                    subject=f"[PartnerOS] {n.subject}",
                    body=f"{n.body}{link}",
                    to=[recipient.email],
                    connection=connection,
                )
                try:
                    message.send()
                except Exception as exc:  # keep it in the outbox; try again next run
                    n.email_attempts += 1
                    n.email_error = str(exc)[:300]
                    failed += 1
                else:
                    n.emailed_at, n.email_error = now, ""
                    sent += 1
            Notification.objects.bulk_update(batch, ["emailed_at", "email_attempts", "email_error"])
        if len(batch) < batch_size:
            break
    return {"sent": sent, "failed": failed, "skipped": skipped}
