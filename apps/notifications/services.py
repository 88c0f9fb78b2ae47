from __future__ import annotations

import time
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from apps.core import broker
from apps.core.formatting import format_date, format_datetime, format_money
from apps.core.tasks import run_sweep

from .models import Notification

MAX_EMAIL_ATTEMPTS = 5


def _key(key: str, recipient_id: int) -> str:
    return f"{key}:u{recipient_id}"[:255]


@dataclass(frozen=True)
class Text:
    """A sentence of a notification written in each recipient's own language (User.language,
    else LANGUAGE_CODE), not in the language of whoever caused it: a msgid marked with
    gettext_noop and its parameters, translated when the notification is created.

    A sentence whose words follow a count is marked with `ngettext_lazy(singular, plural,
    "<name of the count parameter>")` instead: its form is chosen in the recipient's language."""

    msgid: str | Promise
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str, time_zone: str = "") -> str:
        """Dates and moments among the parameters are written by the formatting layer in the
        recipient's language, a moment in their time zone (blank: the program's); an amount
        (`Amount`) in the recipient's format; a label marked with gettext_lazy (a stage, a
        status) in the recipient's language."""
        try:
            zone = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_current_timezone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a zone a tz update retired
            zone = timezone.get_current_timezone()
        with translation.override(language), timezone.override(zone):
            values = {name: _written_value(value) for name, value in self.params.items()}
            if not isinstance(self.msgid, str):  # a plural, chosen by its count parameter
                return str(self.msgid % values)
            text = gettext(self.msgid)
            return text % values if self.params else text


@dataclass(frozen=True)
class Amount:
    """An amount of money among a Text's parameters, written in each recipient's format."""

    value: object
    currency: str


@dataclass(frozen=True)
class Day:
    """A moment among a Text's parameters written as its day, the day it is in each recipient's
    time zone (a protection ending late in the evening keeps its local day)."""

    moment: datetime


def _written_value(value: object) -> object:
    if isinstance(value, Day):
        return format_date(value.moment)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Amount):
        return format_money(value.value, value.currency)
    if isinstance(value, Promise):
        return str(value)
    return value


@dataclass(frozen=True)
class Message:
    """One reason to tell some people something; `key` names the reason and its date."""

    recipients: Iterable
    kind: str
    subject: str | Text
    key: str
    body: str | Text
    link: str = ""


def _languages(ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each recipient's language (their choice where they made one among those offered) and
    time zone (blank: the program's), for those who chose either."""
    offered = dict(settings.LANGUAGES)
    chosen = get_user_model().objects.filter(pk__in=ids).exclude(language="", time_zone="")
    return {
        pk: (language if language in offered else settings.LANGUAGE_CODE, zone)
        for pk, language, zone in chosen.values_list("pk", "language", "time_zone")
    }


def _written(text: str | Text, language: str, time_zone: str = "") -> str:
    return text.render(language, time_zone) if isinstance(text, Text) else text


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str | Text,
    key: str,
    body: str | Text,
    link: str = "",
) -> int:
    """Notify each recipient once per `key` (a reason and its date, e.g. `onboarding-14d:p7`).

    Idempotent: a second call with the same key creates nothing. Returns how many were created.
    Delivery by e-mail happens from the outbox (the notification_delivery sweep), and is nudged
    right after commit so it need not wait for the next beat.
    """
    return notify_batch([Message(recipients, kind, subject, key, body, link)])


def notify_batch(messages: Iterable[Message]) -> int:
    """notify() for many messages in two queries, whatever their number (for sweeps); three when
    a message is written in each recipient's language (Text). The keys already used are found
    first, so a sweep's repeat pass that meets the same due work writes no sentence again."""
    wanted: dict[str, tuple[Message, int]] = {}
    for m in messages:
        for recipient in m.recipients:
            recipient_id = getattr(recipient, "pk", recipient)
            wanted.setdefault(_key(m.key, recipient_id), (m, recipient_id))
    if not wanted:
        return 0
    existing = set(Notification.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    fresh = {key: found for key, found in wanted.items() if key not in existing}
    for m in {id(m): m for m, _ in fresh.values()}.values():
        if not _written(m.body, settings.LANGUAGE_CODE).strip():
            # A notification says what happened and what to do, not only a subject line: an
            # empty body is a missing sentence in the code that sends it, refused loudly.
            raise ValueError(f"A “{m.kind}” notification needs a body ({m.subject!r}).")
    # One query more, only when a message is written per language.
    translated = {
        recipient_id
        for m, recipient_id in fresh.values()
        if isinstance(m.subject, Text) or isinstance(m.body, Text)
    }
    languages = _languages(translated) if translated else {}
    rows = []
    for key, (m, recipient_id) in fresh.items():
        language, zone = languages.get(recipient_id, (settings.LANGUAGE_CODE, ""))
        rows.append(
            Notification(
                recipient_id=recipient_id,
                kind=m.kind,
                subject=_written(m.subject, language, zone)[:200],
                body=_written(m.body, language, zone),
                link=m.link[:500],
                key=key,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows and settings.NOTIFY_NUDGE_DELIVERY:
        transaction.on_commit(_nudge_delivery)
    return len(rows)


# One nudge covers every notification committed before it runs: it is published with a short
# countdown, and for that long the process publishes no other (a busy process nudges at most
# once a second instead of once per notification; nothing waits for the beat's sweep). With the
# broker down the outbox keeps the e-mail for the beat's sweep (apps.core.broker backs off).
NUDGE_COALESCE_SECONDS = 1.0
_quiet_until = 0.0  # monotonic time before which this process publishes no nudge


def _nudge_delivery() -> None:
    global _quiet_until
    now = time.monotonic()
    if now < _quiet_until:
        return  # a pending nudge delivers this one
    if broker.publish(run_sweep, args=("notification_delivery",), countdown=NUDGE_COALESCE_SECONDS):
        _quiet_until = now + NUDGE_COALESCE_SECONDS


def notify_address(
    *, email: str, kind: str, subject: str, key: str, body: str = "", link: str = ""
) -> bool:
    """E-mail someone who has no account (an invitee, an applicant) through the outbox, once per
    `key`: no page shows it, the outbox delivers it as any other. True when it was created."""
    row = Notification(
        email=email, kind=kind, subject=subject[:200], body=body, link=link[:500], key=key[:255]
    )
    Notification.objects.bulk_create([row], ignore_conflicts=True)  # the key was used: nothing
    created = Notification.objects.filter(pk=row.pk).exists()
    if created and settings.NOTIFY_NUDGE_DELIVERY:
        transaction.on_commit(_nudge_delivery)
    return created


def mark_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def deliver_outbox(*, now: datetime) -> dict:
    """E-mail pending notifications, each once per run, oldest first.

    Each message is sent in its own short transaction holding its row lock (`SKIP LOCKED`), and
    its outcome is committed before the next is taken: two workers never send one message, and
    a worker killed mid-run repeats at most the one message it was sending (an e-mail cannot be
    un-sent, so exactly-once is not possible for the one in flight). A failure is retried on the
    next run, up to MAX_EMAIL_ATTEMPTS."""
    sent = failed = skipped = 0
    connection = get_connection()
    pending = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("id")
    )
    last = 0
    while True:
        with transaction.atomic():
            n = pending.filter(id__gt=last).first()
            if n is None:
                break
            last = n.pk
            recipient = n.recipient
            address = n.email if recipient is None else recipient.email
            if not address or (recipient is not None and not recipient.is_active):
                n.emailed_at, n.email_error = now, "no address"
                skipped += 1
            else:
                link = f"\n\n{settings.SITE_URL}{n.link}" if n.link else ""
                message = EmailMessage(
                    subject=f"[PartnerOS] {n.subject}",
                    body=f"{n.body}{link}",
                    to=[address],
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
            n.save(update_fields=["emailed_at", "email_attempts", "email_error"])
    return {"sent": sent, "failed": failed, "skipped": skipped}
