"""deal_review_sla and deal_expiry: decided from database state, idempotent by notification key.

Their reminders go out through notify_batch: a few queries per 500, whatever is due (a catch-up
over 1,000,000 registrations sends tens of thousands), and a repeat run creates nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_noop, ngettext_lazy

from apps.accounts import audiences
from apps.core.sweeps import sweep
from apps.notifications.services import Day, Message, Text, notify_batch
from apps.program.models import ProgramSettings

from .models import (
    EXPIRY_REMIND,
    INFO_REMIND,
    SLA_ESCALATE,
    SLA_REMIND,
    DealRegistration,
    Status,
)
from .services import registration_transition

BATCH = 500


def _clock_start(reg: DealRegistration) -> datetime:
    return reg.review_from or reg.submitted_at  # the database fills review_from on insert


# Plural sentences made once: each ngettext_lazy() with a named count builds a class of its own
# (about 0.7 ms), which a sweep writing one per registration paid thousands of times.
ENDS_SOON = ngettext_lazy(
    "The protection of %(customer)s ends on %(date)s (%(days)s day left). Ask "
    "your partner manager for an extension if the deal needs more time.",
    "The protection of %(customer)s ends on %(date)s (%(days)s days left). Ask "
    "your partner manager for an extension if the deal needs more time.",
    "days",
)


@sweep("deal_review_sla")
def deal_review_sla(now: datetime) -> dict:
    """Remind the owning manager past the SLA; escalate to the admins at twice the SLA.

    Each registration carries what it was sent (sla_notified); the due ones are read through
    the partial indexes of those not yet reminded and those reminded but not yet escalated, so
    a repeat run reads nothing it already handled. The clock counts from review_from: the
    submission, moved later by the time the partner spent answering a question (it stops while
    a registration waits on the partner, whose status the indexes leave out)."""
    sla = timedelta(hours=ProgramSettings.get().review_sla_hours)
    # One read, a BitmapOr of deal_sla_remind_idx and deal_sla_escalate_idx; sorted here (an
    # ORDER BY would tempt the planner to walk every waiting row of deal_waiting_idx in order).
    due = sorted(
        DealRegistration.objects.select_related("partner", "partner__manager")
        .filter(
            Q(SLA_REMIND, review_from__lte=now - sla)
            | Q(SLA_ESCALATE, review_from__lte=now - 2 * sla)
        )
        .order_by(),
        key=lambda reg: (_clock_start(reg), reg.pk),
    )
    if not due:
        return {"reminded": 0, "escalated": 0}
    to_remind = [reg for reg in due if reg.sla_notified == 0]
    admin_users = audiences.admin_list()
    reminders, escalations = [], []
    for reg in to_remind:
        manager = reg.partner.manager
        to = [manager] if manager and manager.is_active else admin_users
        reminders.append((reg, f"deal-sla:{reg.pk}", to))
    for reg in due:
        if now - _clock_start(reg) >= 2 * sla:
            escalations.append((reg, f"deal-sla-escalated:{reg.pk}", admin_users))
    sla_h = int(sla.total_seconds() // 3600)

    def hours(reg) -> int:
        return int((now - _clock_start(reg)).total_seconds() // 3600)

    reminded = notify_batch(
        Message(
            recipients=to,
            kind="deal_review_sla",
            subject=Text(
                gettext_noop("Registration waiting %(hours)s h: %(customer)s (%(partner)s)"),
                {"hours": hours(reg), "customer": reg.customer_name, "partner": reg.partner.name},
            ),
            body=Text(
                gettext_noop(
                    "%(partner)s's registration of %(customer)s has waited past the "
                    "%(sla)s h review SLA."
                ),
                {"partner": reg.partner.name, "customer": reg.customer_name, "sla": sla_h},
            ),
            key=key,
            link=reverse("deals:detail", args=[reg.pk]),
        )
        for reg, key, to in reminders
    )
    escalated = notify_batch(
        Message(
            recipients=to,
            kind="deal_review_escalated",
            subject=Text(
                gettext_noop("Escalated: registration waiting %(hours)s h: %(customer)s"),
                {"hours": hours(reg), "customer": reg.customer_name},
            ),
            body=Text(
                gettext_noop(
                    "%(partner)s's registration of %(customer)s has waited twice "
                    "the %(sla)s h review SLA."
                ),
                {"partner": reg.partner.name, "customer": reg.customer_name, "sla": sla_h},
            ),
            key=key,
            link=reverse("deals:detail", args=[reg.pk]),
        )
        for reg, key, to in escalations
    )
    done = {reg.pk for reg, _key, _to in escalations}
    # Marked only while still waiting: one decided meanwhile keeps its own state.
    DealRegistration.objects.filter(pk__in=done, status=Status.SUBMITTED).update(sla_notified=2)
    DealRegistration.objects.filter(
        pk__in=[reg.pk for reg in to_remind if reg.pk not in done], status=Status.SUBMITTED
    ).update(sla_notified=1)
    return {"reminded": reminded, "escalated": escalated}


@sweep("deal_expiry")
def deal_expiry(now: datetime) -> dict:
    """Remind the partner N days before protection ends; expire lapsed approved registrations."""
    days = ProgramSettings.get().deal_expiry_reminder_days
    expired = 0
    # Those whose current end was not reminded yet (deal_expiry_remind_idx): a repeat run reads
    # none of the ones it reminded, an extension (a new end) is reminded again.
    soon = list(
        DealRegistration.objects.filter(
            EXPIRY_REMIND, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
        ).order_by("expires_at", "id")
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
            subject=Text(
                gettext_noop("Protection ends %(date)s: %(customer)s"),
                {"date": Day(reg.expires_at), "customer": reg.customer_name},
            ),
            body=Text(
                ENDS_SOON,
                {
                    "customer": reg.customer_name,
                    "date": Day(reg.expires_at),
                    "days": (reg.expires_at - now).days,
                },
            ),
            key=key,
            link=reverse("portal:deal_detail", args=[reg.pk]),
        )
        for reg, key, to in candidates
        if to
    )
    # Marked when someone was told (a partner without users yet is told once it has one).
    told = [reg.pk for reg, _key, to in candidates if to]
    for start in range(0, len(told), BATCH):
        DealRegistration.objects.filter(pk__in=told[start : start + BATCH]).update(
            expiry_reminded_for=F("expires_at")
        )
    # The lapsed ones' ids first, by deal_protected_until_idx (ordered by id with a LIMIT, the
    # planner walked the primary key over every registration: a second each run), then each
    # batch by id.
    lapsed = list(
        DealRegistration.objects.filter(status=Status.APPROVED, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(lapsed), BATCH):
        batch = DealRegistration.objects.select_related("partner").filter(
            pk__in=lapsed[start : start + BATCH], status=Status.APPROVED
        )
        for reg in batch.order_by("pk"):
            registration_transition(
                registration=reg, name="expire", actor=None, now=now, via="sweep"
            )
            expired += 1
    return {"reminded": reminded, "expired": expired}


INFO_REMINDER_DAYS = 3


@sweep("deal_info_reminder")
def deal_info_reminder(now: datetime) -> dict:
    """Remind the partner of a question left unanswered for 3 days, once per question.

    Read through deal_info_remind_idx (questions not yet reminded); each reminded one is marked
    (info_reminded_at), so a repeat run reads nothing it handled. A new question clears the
    mark (request_info), so it is reminded in its turn."""
    due = list(
        DealRegistration.objects.filter(
            INFO_REMIND, info_requested_at__lte=now - timedelta(days=INFO_REMINDER_DAYS)
        ).order_by("info_requested_at", "id")
    )
    users_by_partner = audiences.partner_users_of({r.partner_id for r in due})
    candidates = [(reg, users_by_partner[reg.partner_id]) for reg in due]
    reminded = notify_batch(
        Message(
            recipients=to,
            kind="deal_info_reminder",
            subject=Text(
                gettext_noop("Your answer is awaited: %(customer)s"),
                {"customer": reg.customer_name},
            ),
            body=Text(
                gettext_noop(
                    "Your partner manager asked a question about your registration of "
                    "%(customer)s on %(date)s (see the registration's page). Its review "
                    "continues once you answer."
                ),
                {"customer": reg.customer_name, "date": Day(reg.info_requested_at)},
            ),
            key=f"deal-info-reminder:{reg.pk}:{reg.info_requested_at:%Y%m%d%H%M%S%f}",
            link=reverse("portal:deal_detail", args=[reg.pk]),
        )
        for reg, to in candidates
        if to
    )
    # Marked when someone was told (a partner without users yet is told once it has one); a
    # question asked meanwhile is newer than the cut-off and stays owed its own reminder.
    told = [reg.pk for reg, to in candidates if to]
    for start in range(0, len(told), BATCH):
        DealRegistration.objects.filter(
            INFO_REMIND,
            pk__in=told[start : start + BATCH],
            info_requested_at__lte=now - timedelta(days=INFO_REMINDER_DAYS),
        ).update(info_reminded_at=now)
    return {"reminded": reminded}
