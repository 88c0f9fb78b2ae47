"""`agreement_renewals`: reminders before an active agreement ends; at its end, an
auto-renewing agreement renews for another term and any other expires."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts import audiences
from apps.core.sweeps import due_offset, sweep
from apps.notifications.services import Message, notify_batch
from apps.program.models import ProgramSettings

from .models import Agreement, Status
from .services import agreement_transition


def next_term_end(agreement: Agreement) -> date:
    """Another term as long as the one ending (at least a day)."""
    if agreement.end_date is None:
        raise ValueError(f"Agreement {agreement.pk} has no end date, so no term to renew.")
    term = max(agreement.end_date - agreement.start_date, timedelta(days=1))
    return agreement.end_date + term


@sweep("agreement_renewals")
def agreement_renewals(now: datetime) -> dict:
    today = timezone.localdate(now)
    offsets = sorted({int(d) for d in ProgramSettings.get().agreement_reminder_days if int(d) > 0})
    horizon = today + timedelta(days=max(offsets, default=0))
    due = list(
        Agreement.objects.filter(
            status=Status.ACTIVE, end_date__isnull=False, end_date__lte=horizon
        ).select_related("partner__manager")
    )
    if not due:
        return {"reminders": 0, "renewed": 0, "expired": 0, "notifications": 0}
    users = audiences.partner_users_of({a.partner_id for a in due})
    admin_list = audiences.admin_list()
    messages: list[Message] = []
    counts = {"reminders": 0, "renewed": 0, "expired": 0}

    for a in due:
        partner = a.partner
        staff_link = reverse("agreements:detail", args=[a.pk])
        portal_link = reverse("portal:agreement_detail", args=[a.pk])
        if a.end_date >= today:
            offset = due_offset(today, a.end_date, offsets)
            if offset is None:
                continue
            days = (a.end_date - today).days
            key = f"agreement-ends-{offset}d:{a.pk}:{a.end_date.isoformat()}"
            what = "renews automatically" if a.auto_renew else "ends"
            messages.append(
                Message(
                    audiences.vendor_side(partner, admin_list),
                    "agreement_ending",
                    f"{partner.name}: “{a.title}” {what} in {days} days",
                    key,
                    f"The agreement {what} on {a.end_date:%d %b %Y}.",
                    staff_link,
                )
            )
            if not a.auto_renew:
                messages.append(
                    Message(
                        users.get(partner.pk, []),
                        "agreement_ending",
                        f"Your agreement “{a.title}” ends in {days} days",
                        key,
                        f"It ends on {a.end_date:%d %b %Y}. Talk to your partner manager about renewing.",
                        portal_link,
                    )
                )
            counts["reminders"] += 1
            continue
        # the end date has passed: renew or expire, one agreement per transaction
        ended = a.end_date
        with transaction.atomic():
            if a.auto_renew:
                agreement_transition(agreement=a, name="renew", end_date=next_term_end(a), now=now)
                counts["renewed"] += 1
                subject = f"{partner.name}: “{a.title}” renewed until {a.end_date:%d %b %Y}"
                kind = "agreement_renewed"
            else:
                agreement_transition(agreement=a, name="expire", now=now)
                counts["expired"] += 1
                subject = f"{partner.name}: “{a.title}” expired on {ended:%d %b %Y}"
                kind = "agreement_expired"
        messages.append(
            Message(
                audiences.vendor_side(partner, admin_list),
                kind,
                subject,
                f"{kind}:{a.pk}:{ended.isoformat()}",
                "",
                staff_link,
            )
        )
        messages.append(
            Message(
                users.get(partner.pk, []),
                kind,
                subject.replace(f"{partner.name}: ", "Your agreement "),
                f"{kind}:{a.pk}:{ended.isoformat()}",
                "",
                portal_link,
            )
        )

    counts["notifications"] = notify_batch(messages)
    return counts
