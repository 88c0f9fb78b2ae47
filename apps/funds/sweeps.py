"""fund_review_sla and fund_claim_deadlines: decided from database state, idempotent, and driven
by partial indexes of what is still owed something, so a repeat pass reads nothing handled."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts import audiences
from apps.core.sweeps import due_offset, sweep
from apps.notifications.services import Message, Text, notify_batch
from apps.program.models import ProgramSettings

from .models import (
    CLAIM_DUE_STATUSES,
    DEADLINE_OPEN,
    REMIND_FIRST,
    REMIND_LAST,
    REVIEW_ESCALATE,
    REVIEW_REMIND,
    FundRequest,
    Status,
)
from .services import fund_request_transition

BATCH = 500
REMINDER_DAYS = [14, 3]


# Each sentence whole for each kind of wait (a claim, a fund request), written in the language
# of each recipient (Text).
_WAITING = {
    True: (
        gettext_noop("Claim waiting %(hours)s h: %(title)s (%(partner)s)"),
        gettext_noop("Escalated: claim waiting %(hours)s h: %(title)s"),
        gettext_noop("%(partner)s's claim has waited twice the %(sla)s h SLA."),
    ),
    False: (
        gettext_noop("Fund request waiting %(hours)s h: %(title)s (%(partner)s)"),
        gettext_noop("Escalated: fund request waiting %(hours)s h: %(title)s"),
        gettext_noop("%(partner)s's fund request has waited twice the %(sla)s h SLA."),
    ),
}


def _waiting(req: FundRequest) -> tuple[str, str, str]:
    return _WAITING[req.status == Status.CLAIMED]


@sweep("fund_review_sla")
def fund_review_sla(now: datetime) -> dict:
    """A request or claim waiting for review past the SLA reminds its manager; at twice the SLA
    it is escalated to the admins — the registrations' clock (deals.sweeps.deal_review_sla)."""
    sla = timedelta(hours=ProgramSettings.get().review_sla_hours)
    # Two reads, one per notice owed, each a range of fund_review_sla_idx; sorted here.
    due = sorted(
        [
            *FundRequest.objects.filter(REVIEW_REMIND, waiting_since__lte=now - sla).order_by(),
            *FundRequest.objects.filter(
                REVIEW_ESCALATE, waiting_since__lte=now - 2 * sla
            ).order_by(),
        ],
        key=lambda r: (r.waiting_since, r.pk),
    )
    if not due:
        return {"reminded": 0, "escalated": 0}
    # The partners and their managers for the due rows only (no join to steer the plan).
    prefetch_related_objects(due, "partner__manager")
    admin_users = audiences.admin_list()
    to_remind = [r for r in due if r.sla_notified == 0]
    escalate = [r for r in due if now - r.waiting_since >= 2 * sla]
    sla_h = int(sla.total_seconds() // 3600)

    def hours(r) -> int:
        return int((now - r.waiting_since).total_seconds() // 3600)

    def managers(r):
        manager = r.partner.manager
        return [manager] if manager and manager.is_active else admin_users

    stamp = lambda r: f"{r.pk}:{r.waiting_since:%Y%m%d%H%M%S}"  # noqa: E731 - one wait, one key
    reminded = notify_batch(
        Message(
            recipients=managers(r),
            kind="fund_review_sla",
            subject=Text(
                _waiting(r)[0], {"hours": hours(r), "title": r.title, "partner": r.partner.name}
            ),
            body=Text(gettext_noop("It has waited past the %(sla)s h review SLA."), {"sla": sla_h}),
            key=f"fund-sla:{stamp(r)}",
            link=reverse("funds:request", args=[r.pk]),
        )
        for r in to_remind
    )
    escalated = notify_batch(
        Message(
            recipients=admin_users,
            kind="fund_review_escalated",
            subject=Text(_waiting(r)[1], {"hours": hours(r), "title": r.title}),
            body=Text(_waiting(r)[2], {"partner": r.partner.name, "sla": sla_h}),
            key=f"fund-sla-escalated:{stamp(r)}",
            link=reverse("funds:request", args=[r.pk]),
        )
        for r in escalate
    )
    done = {r.pk for r in escalate}
    waiting = ("submitted", "claimed")
    FundRequest.objects.filter(pk__in=done, status__in=waiting).update(sla_notified=2)
    FundRequest.objects.filter(
        pk__in=[r.pk for r in to_remind if r.pk not in done], status__in=waiting
    ).update(sla_notified=1)
    return {"reminded": reminded, "escalated": escalated}


@sweep("fund_claim_deadlines")
def fund_claim_deadlines(now: datetime) -> dict:
    """Remind the partner 14 and 3 days before an approved activity's claim deadline; expire it
    the day after, releasing its commitment."""
    today = timezone.localdate(now)
    # Only rows owed a reminder, each through the partial index of what it was sent
    # (fund_claim_remind_idx, fund_claim_remind_last_idx): a repeat pass reads none it reminded.
    soon = [
        *FundRequest.objects.filter(
            REMIND_FIRST,
            claim_due__gte=today,
            claim_due__lte=today + timedelta(days=REMINDER_DAYS[0]),
        ).order_by(),
        *FundRequest.objects.filter(
            REMIND_LAST,
            claim_due__gte=today,
            claim_due__lte=today + timedelta(days=REMINDER_DAYS[1]),
        ).order_by(),
    ]
    owed = []
    for r in soon:
        offset = due_offset(today, r.claim_due, REMINDER_DAYS)
        if offset is not None and (r.deadline_reminded is None or offset < r.deadline_reminded):
            owed.append((r, offset))
    users = audiences.partner_users_of({r.partner_id for r, _o in owed})
    reminded = notify_batch(
        Message(
            recipients=users[r.partner_id],
            kind="fund_claim_reminder",
            subject=Text(
                gettext_noop("Claim due %(due)s: %(title)s"), {"due": r.claim_due, "title": r.title}
            ),
            body=Text(
                gettext_noop(
                    "Submit the claim for %(title)s with its invoice and proof of performance by "
                    "%(due)s, or the approved funds are released."
                ),
                {"title": r.title, "due": r.claim_due},
            ),
            key=f"fund-claim-{offset}d:{r.pk}:{r.claim_due:%Y%m%d}",
            link=reverse("portal:fund_request", args=[r.pk]),
        )
        for r, offset in owed
        if users[r.partner_id]
    )
    for offset in REMINDER_DAYS:
        FundRequest.objects.filter(
            pk__in=[r.pk for r, o in owed if o == offset and users[r.partner_id]]
        ).update(deadline_reminded=offset)
    lapsed = list(
        FundRequest.objects.filter(DEADLINE_OPEN, claim_due__lt=today)
        .order_by("claim_due", "id")
        .values_list("pk", flat=True)
    )
    expired = 0
    for start in range(0, len(lapsed), BATCH):
        for r in (
            FundRequest.objects.select_related("partner", "allocation")
            .filter(pk__in=lapsed[start : start + BATCH], status__in=list(CLAIM_DUE_STATUSES))
            .order_by("pk")
        ):
            fund_request_transition(fund_request=r, name="expire", actor=None, now=now, via="sweep")
            expired += 1
    return {"reminded": reminded, "expired": expired}
