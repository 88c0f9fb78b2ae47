"""`agreement_renewals`: a signed agreement becomes active on its start date; reminders before an
active agreement ends; at its end, an auto-renewing agreement renews for another term and any
other expires."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts import audiences
from apps.core.sweeps import due_offset, sweep
from apps.notifications.services import Message, Text, notify_batch
from apps.program.models import ProgramSettings

from .models import RENEWAL_DUE, Agreement, Status
from .services import agreement_transition


def next_term_end(agreement: Agreement) -> date:
    """Another term as long as the one ending (at least a day)."""
    if agreement.end_date is None:
        raise ValueError(f"Agreement {agreement.pk} has no end date, so no term to renew.")
    term = max(agreement.end_date - agreement.start_date, timedelta(days=1))
    return agreement.end_date + term


@dataclass
class _Run:
    """What one run of the sweep knows: the day, the recipients, what it has to send."""

    now: datetime
    today: date
    offsets: list[int]
    users: dict
    admin_list: list
    messages: list[Message] = field(default_factory=list)
    counts: dict = field(
        default_factory=lambda: {"activated": 0, "reminders": 0, "renewed": 0, "expired": 0}
    )

    def both_sides(self, a: Agreement, kind: str, key: str, vendor: tuple, partner: tuple | None):
        """A message to the vendor side (subject, body) and, if given, to the partner's users."""
        self.messages.append(
            Message(
                audiences.vendor_side(a.partner, self.admin_list),
                kind,
                vendor[0],
                key,
                vendor[1],
                reverse("agreements:detail", args=[a.pk]),
            )
        )
        if partner is not None:
            self.messages.append(
                Message(
                    self.users.get(a.partner_id, []),
                    kind,
                    partner[0],
                    key,
                    partner[1],
                    reverse("portal:agreement_detail", args=[a.pk]),
                )
            )


def _remind(run: _Run, a: Agreement, end: date) -> None:
    offset = due_offset(run.today, end, run.offsets)
    if offset is None:
        return
    params = {"partner": a.partner.name, "title": a.title, "end": end}
    if a.auto_renew:
        vendor = (
            Text(gettext_noop("%(partner)s: “%(title)s” renews automatically on %(end)s"), params),
            Text(gettext_noop("The agreement renews automatically on %(end)s."), params),
        )
    else:
        vendor = (
            Text(gettext_noop("%(partner)s: “%(title)s” ends on %(end)s"), params),
            Text(gettext_noop("The agreement ends on %(end)s."), params),
        )
    partner = (
        Text(gettext_noop("Your agreement “%(title)s” ends on %(end)s"), params),
        Text(
            gettext_noop("It ends on %(end)s. Talk to your partner manager about renewing."), params
        ),
    )
    key = f"agreement-ends-{offset}d:{a.pk}:{end.isoformat()}"
    run.both_sides(a, "agreement_ending", key, vendor, None if a.auto_renew else partner)
    run.counts["reminders"] += 1


def _end_term(run: _Run, a: Agreement, ended: date) -> None:
    """Renew or expire, one agreement per transaction."""
    with transaction.atomic():
        if a.auto_renew:
            agreement_transition(agreement=a, name="renew", end_date=next_term_end(a), now=run.now)
            run.counts["renewed"] += 1
            kind = "agreement_renewed"
        else:
            agreement_transition(agreement=a, name="expire", now=run.now)
            run.counts["expired"] += 1
            kind = "agreement_expired"
    params = {"partner": a.partner.name, "title": a.title, "end": a.end_date, "ended": ended}
    if kind == "agreement_renewed":
        subject = Text(gettext_noop("%(partner)s: “%(title)s” renewed until %(end)s"), params)
        partner_subject = Text(
            gettext_noop("Your agreement “%(title)s” renewed until %(end)s"), params
        )
        body = Text(
            gettext_noop(
                "Its term renewed by itself; nothing needs signing. The new end date is on the "
                "agreement."
            )
        )
    else:
        subject = Text(gettext_noop("%(partner)s: “%(title)s” expired on %(ended)s"), params)
        partner_subject = Text(
            gettext_noop("Your agreement “%(title)s” expired on %(ended)s"), params
        )
        body = Text(
            gettext_noop(
                "It ended without renewal. Agree a new term or let the partnership know what "
                "happens next; the agreement's page keeps its documents."
            )
        )
    run.both_sides(
        a, kind, f"{kind}:{a.pk}:{ended.isoformat()}", (subject, body), (partner_subject, body)
    )


def _start(run: _Run, a: Agreement) -> None:
    """A signed agreement's start date has come: it is active from today (once: the state says)."""
    agreement_transition(agreement=a, name="activate", now=run.now)
    run.counts["activated"] += 1
    params = {"partner": a.partner.name, "title": a.title, "start": a.start_date}
    subject = Text(gettext_noop("%(partner)s: “%(title)s” is active from %(start)s"), params)
    partner_subject = Text(
        gettext_noop("Your agreement “%(title)s” is active from %(start)s"), params
    )
    body = Text(gettext_noop("It was signed earlier and its start date has come."))
    run.both_sides(
        a, "agreement_active", f"agreement_active:{a.pk}", (subject, body), (partner_subject, body)
    )


@sweep("agreement_renewals")
def agreement_renewals(now: datetime) -> dict:
    today = timezone.localdate(now)
    offsets = sorted({int(d) for d in ProgramSettings.get().agreement_reminder_days if int(d) > 0})
    horizon = today + timedelta(days=max(offsets, default=0))
    starting = list(
        Agreement.objects.filter(status=Status.SIGNED, start_date__lte=today).select_related(
            "partner__manager"
        )
    )
    # The unplanned and the due, two ranges of agreement_renewal_due_idx read one at a time (an
    # OR of the two lets the planner filter the whole index): a repeat pass reads none of those
    # planned for a later day.
    active = Agreement.objects.select_related("partner__manager").filter(RENEWAL_DUE)
    owed = [
        *active.filter(renewal_due_on__isnull=True),
        *active.filter(renewal_due_on__lte=today),
    ]
    due = [a for a in owed if a.end_date is not None and a.end_date <= horizon]
    if not due and not starting:
        _plan(owed, today, offsets)
        return {"activated": 0, "reminders": 0, "renewed": 0, "expired": 0, "notifications": 0}
    run = _Run(
        now=now,
        today=today,
        offsets=offsets,
        users=audiences.partner_users_of({a.partner_id for a in [*due, *starting]}),
        admin_list=audiences.admin_list(),
    )
    for a in starting:
        _start(run, a)
    for a in due:
        end = a.end_date
        if end is None:
            continue  # excluded by the query; says so to the type checker
        if end >= today:
            _remind(run, a, end)
        else:
            _end_term(run, a, end)
    _plan([*starting, *owed], today, offsets)
    return {**run.counts, "notifications": notify_batch(run.messages)}


def next_due_day(end: date, today: date, offsets: list[int]) -> date:
    """The next day after `today` an agreement ending on `end` is owed something: a reminder's
    day, else the day after its end (renewed or expired then)."""
    days = [end - timedelta(days=d) for d in offsets]
    return min([d for d in days if d > today] + [end + timedelta(days=1)])


_PLAN_SQL = """
UPDATE agreements_agreement AS a SET renewal_due_on = plan.day
FROM unnest(%s::bigint[], %s::date[]) AS plan(id, day)
WHERE a.id = plan.id AND a.status = 'active'
"""


def _plan(agreements: list[Agreement], today: date, offsets: list[int]) -> None:
    """Store each still active agreement's next due day, in one statement whatever their number."""
    plans = {
        a.pk: next_due_day(a.end_date, today, offsets)
        for a in agreements
        if a.status == Status.ACTIVE and a.end_date is not None
    }
    if not plans:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _PLAN_SQL,
            [list(plans), list(plans.values())],
        )
