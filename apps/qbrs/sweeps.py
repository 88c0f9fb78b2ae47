"""The QBR sweeps: keep every partner in the loop on its tier's cadence, and remind people.

Both decide from database state at `now`. Scheduling relies on the one-open-QBR-per-partner
constraint (a second run, or a concurrent one, creates nothing); reminders are keyed
notifications plus a marker on the row, so a repeated run sends nothing twice and a missed run
catches up on the next one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts import audiences
from apps.core.sweeps import sweep
from apps.notifications.services import Message, Text, notify_batch
from apps.partners.models import Partner, Stage
from apps.program.models import ProgramSettings

from . import quarters
from .models import QBR, ActionItem, OwnerSide, Status

LOOP_STAGES = (Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
DEFAULT_CADENCE_MONTHS = 3
MEETING_TIME = time(10, 0)
# When the cadence is already past (a partner with no QBR for too long), the soonest sensible slot.
CATCH_UP_DAYS = 14
BATCH = 500


def next_qbr_time(anchor: datetime, cadence_months: int, now: datetime) -> datetime:
    day = timezone.localtime(anchor).date() + relativedelta(months=cadence_months or 3)
    when = datetime.combine(day, MEETING_TIME).replace(tzinfo=timezone.get_default_timezone())
    if when <= now:
        day = timezone.localtime(now).date() + timedelta(days=CATCH_UP_DAYS)
        when = datetime.combine(day, MEETING_TIME).replace(tzinfo=timezone.get_default_timezone())
    return when


@sweep("qbr_scheduling")
def qbr_scheduling(now: datetime) -> dict:
    open_qbr = QBR.objects.filter(
        partner=OuterRef("pk"), status__in=[Status.SCHEDULED, Status.IN_PROGRESS]
    )
    due = (
        Partner.objects.filter(stage__in=LOOP_STAGES)
        .exclude(Exists(open_qbr))
        .annotate(last_completed=Max("qbrs__completed_at", filter=Q(qbrs__status=Status.COMPLETED)))
        .select_related("tier")
        .order_by("pk")
    )
    created = 0
    last_pk = 0
    while True:
        batch = list(due.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        rows = []
        for partner in batch:
            cadence = partner.tier.qbr_cadence_months if partner.tier else DEFAULT_CADENCE_MONTHS
            # From the last completed QBR; a partner that never had one counts from the day it
            # reached the loop (its onboarding completion, else its current stage).
            anchor = (
                partner.last_completed
                or partner.onboarding_completed_at
                or partner.stage_entered_at
                or now
            )
            when = next_qbr_time(anchor, cadence, now)
            rows.append(QBR(partner=partner, quarter=quarters.label_for(when), scheduled_for=when))
        # ignore_conflicts: a concurrent run that scheduled one first wins (partial unique index).
        before = QBR.objects.filter(partner__in=batch, status=Status.SCHEDULED).count()
        QBR.objects.bulk_create(rows, ignore_conflicts=True)
        after = QBR.objects.filter(partner__in=batch, status=Status.SCHEDULED).count()
        created += after - before
        if len(batch) < BATCH:
            break
    return {"scheduled": created}


def _reminder_days() -> list[int]:
    days = ProgramSettings.get().qbr_reminder_days or [7, 1]
    return sorted({int(d) for d in days if int(d) > 0})


def _reminder_due(now: datetime, days: list[int]) -> Q:
    """The QBRs owed a reminder, each arm a range of qbr_reminder_due_idx: none sent yet and
    within the longest threshold; or the last sent at the next threshold up (any value between
    two thresholds, or above the longest, from earlier settings) and within this one."""
    due = Q(reminded_days__isnull=True, scheduled_for__lte=now + timedelta(days=max(days)))
    for i, d in enumerate(days):
        within = Q(scheduled_for__lte=now + timedelta(days=d))
        if i + 1 < len(days):
            up = days[i + 1]
            due |= within & Q(reminded_days=up)
            due |= within & Q(reminded_days__gt=d, reminded_days__lt=up)
        else:
            due |= within & Q(reminded_days__gt=d)
    return due


def _upcoming(now: datetime, days: list[int]) -> int:
    if not days:
        return 0
    qbrs = list(
        QBR.objects.filter(_reminder_due(now, days), status=Status.SCHEDULED, scheduled_for__gt=now)
        .exclude(partner__stage=Stage.EXITED)
        .select_related("partner", "partner__manager")
    )
    due = []
    for qbr in qbrs:
        left = qbr.scheduled_for - now
        # The closest threshold reached: a missed 7-day run still reminds at 3 days, but at
        # 12 hours only the 1-day reminder goes.
        threshold = min(d for d in days if left <= timedelta(days=d))
        if qbr.reminded_days is None or threshold < qbr.reminded_days:
            due.append((qbr, threshold))
    users = audiences.partner_users_of(q.partner_id for q, _ in due)
    messages: list[Message] = []
    for qbr, threshold in due:
        partner = qbr.partner
        values = {"quarter": qbr.quarter, "partner": partner.name, "when": qbr.scheduled_for}
        # The date in the key: a QBR moved to another day is reminded again.
        key = f"qbr-{threshold}d:{qbr.pk}:{qbr.scheduled_for.date().isoformat()}"
        if partner.manager_id:
            messages.append(
                Message(
                    recipients=[partner.manager],
                    kind="qbr_reminder",
                    subject=Text(gettext_noop("%(partner)s: QBR %(quarter)s on %(when)s"), values),
                    body=Text(
                        gettext_noop(
                            "The %(quarter)s QBR with %(partner)s is on %(when)s: look over the "
                            "partner's figures and last quarter's action items before it."
                        ),
                        values,
                    ),
                    key=key,
                    link=reverse("qbrs:detail", args=[qbr.pk]),
                )
            )
        messages.append(
            Message(
                recipients=users.get(partner.pk, []),
                kind="qbr_reminder",
                subject=Text(gettext_noop("Your QBR %(quarter)s on %(when)s"), values),
                body=Text(
                    gettext_noop(
                        "Your %(quarter)s QBR is on %(when)s. Bring your pipeline and the open "
                        "action items; the agenda and last quarter's summary are in the portal."
                    ),
                    values,
                ),
                key=key,
                link=reverse("portal:qbr_detail", args=[qbr.pk]),
            )
        )
        qbr.reminded_days = threshold
    QBR.objects.bulk_update([q for q, _ in due], ["reminded_days"])
    return notify_batch(messages)


def _overdue_qbrs(now: datetime) -> int:
    # Overdue: its time has passed and it was never started (a started one is being held).
    qbrs = list(
        QBR.objects.filter(
            status=Status.SCHEDULED, scheduled_for__lt=now, overdue_alerted_at__isnull=True
        )
        .exclude(partner__stage=Stage.EXITED)
        .select_related("partner", "partner__manager")
    )
    vendor_side = audiences.VendorSides()
    messages: list[Message] = []
    for qbr in qbrs:
        partner = qbr.partner
        recipients = vendor_side(partner)
        messages.append(
            Message(
                recipients=recipients,
                kind="qbr_overdue",
                subject=Text(
                    gettext_noop("%(partner)s: QBR %(quarter)s is overdue"),
                    {"partner": partner.name, "quarter": qbr.quarter},
                ),
                body=Text(
                    gettext_noop("It was due on %(when)s and has not been held."),
                    {"when": qbr.scheduled_for},
                ),
                key=f"qbr-overdue:{qbr.pk}:{qbr.scheduled_for.date().isoformat()}",
                link=reverse("qbrs:detail", args=[qbr.pk]),
            )
        )
        qbr.overdue_alerted_at = now
    QBR.objects.bulk_update(qbrs, ["overdue_alerted_at"])
    return notify_batch(messages)


def _overdue_action_items(now: datetime) -> int:
    today = timezone.localtime(now).date()
    items = list(
        ActionItem.objects.filter(done=False, due_date__lt=today, overdue_reminded_at__isnull=True)
        .exclude(qbr__partner__stage=Stage.EXITED)
        .exclude(qbr__status=Status.CANCELLED)
        .select_related("qbr", "qbr__partner", "qbr__partner__manager")
    )
    users = audiences.partner_users_of(
        i.qbr.partner_id for i in items if i.owner_side == OwnerSide.PARTNER
    )
    messages: list[Message] = []
    for item in items:
        partner = item.qbr.partner
        if item.owner_side == OwnerSide.PARTNER:
            recipients = users.get(partner.pk, [])
            subject = gettext_noop("Action item overdue: %(title)s")
            link = reverse("portal:qbr_detail", args=[item.qbr_id])
        else:
            recipients = [partner.manager] if partner.manager is not None else []
            subject = gettext_noop("%(partner)s: action item overdue: %(title)s")
            link = reverse("qbrs:detail", args=[item.qbr_id])
        messages.append(
            Message(
                recipients=recipients,
                kind="qbr_action_item_overdue",
                subject=Text(subject, {"partner": partner.name, "title": item.title}),
                body=Text(
                    gettext_noop("It was due on %(date)s (QBR %(quarter)s)."),
                    {"date": item.due_date, "quarter": item.qbr.quarter},
                ),
                key=f"qbr-action-overdue:{item.pk}:{item.due_date}",  # the ISO date
                link=link,
            )
        )
        item.overdue_reminded_at = now
    ActionItem.objects.bulk_update(items, ["overdue_reminded_at"])
    return notify_batch(messages)


@sweep("qbr_reminders")
def qbr_reminders(now: datetime) -> dict:
    return {
        "reminders": _upcoming(now, _reminder_days()),
        "overdue_qbrs": _overdue_qbrs(now),
        "overdue_action_items": _overdue_action_items(now),
    }
