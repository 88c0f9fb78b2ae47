"""`onboarding_deadlines`: reminders before the onboarding due date, the overdue alert, and
overdue onboarding tasks — decided from the state of the database at `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop, ngettext_lazy

from apps.accounts import audiences
from apps.core.sweeps import due_offset, sweep
from apps.notifications.services import Message, Text, notify_batch
from apps.partners.models import ONBOARDING_DUE, TASK_OVERDUE_DUE, Partner, Task
from apps.program.models import ProgramSettings

from .selectors import current_onboarding_tasks

# Plural sentences made once: each ngettext_lazy() with a named count builds a class of its own
# (about 0.7 ms), which every pass paid per partner within the reminder window.
DUE_IN_DAYS = ngettext_lazy(
    "%(partner)s: onboarding due in %(days)s day",
    "%(partner)s: onboarding due in %(days)s days",
    "days",
)
YOUR_DUE_IN_DAYS = ngettext_lazy(
    "Your onboarding is due in %(days)s day",
    "Your onboarding is due in %(days)s days",
    "days",
)


@sweep("onboarding_deadlines")
def onboarding_deadlines(now: datetime) -> dict:
    today = timezone.localdate(now)
    offsets = sorted({int(d) for d in ProgramSettings.get().onboarding_reminder_days if int(d) > 0})
    horizon = today + timedelta(days=max(offsets, default=0))
    # Through the partial indexes of what is still owed something (partner_onboarding_due_idx,
    # task_overdue_due_idx): an overdue partner or task already told about its due date is not
    # read again; those within the reminder window are (a reminder per offset, keyed).
    partners = list(
        Partner.objects.filter(
            ONBOARDING_DUE, onboarding_due_date__isnull=False, onboarding_due_date__lte=horizon
        ).select_related("manager")
    )
    tasks = list(
        current_onboarding_tasks()
        .filter(TASK_OVERDUE_DUE, due_date__lt=today)
        .select_related("partner__manager")
    )
    ids = {p.pk for p in partners} | {t.partner_id for t in tasks}
    users = audiences.partner_users_of(ids) if ids else {}
    admin_list = audiences.admin_list() if ids else []
    messages: list[Message] = []
    counts = {"due_soon": 0, "overdue": 0, "overdue_tasks": 0}
    for p in partners:
        kind = _partner_deadline(
            p,
            today,
            offsets,
            partner_users=users.get(p.pk, []),
            admin_list=admin_list,
            messages=messages,
        )
        if kind:
            counts[kind] += 1
    for t in tasks:
        messages.append(_task_overdue(t, users.get(t.partner_id, []), admin_list))
        counts["overdue_tasks"] += 1
    counts["notifications"] = notify_batch(messages)
    overdue = [p.pk for p in partners if p.onboarding_due_date and p.onboarding_due_date < today]
    Partner.objects.filter(pk__in=overdue).update(
        onboarding_overdue_alerted_for=F("onboarding_due_date")
    )
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(overdue_reminded_for=F("due_date"))
    return counts


def _partner_deadline(p, today, offsets, *, partner_users, admin_list, messages) -> str | None:
    """Messages about one partner's onboarding due date: "due_soon", "overdue" or None."""
    due = p.onboarding_due_date
    partner_link = reverse("partners:detail", args=[p.pk])
    offset = due_offset(today, due, offsets)
    if offset is not None:
        values = {"partner": p.name, "days": (due - today).days, "date": due}
        key = f"onboarding-due-{offset}d:{p.pk}:{due.isoformat()}"
        messages.append(
            Message(
                audiences.vendor_side(p, admin_list),
                "onboarding_due",
                Text(
                    DUE_IN_DAYS,
                    values,
                ),
                key,
                Text(
                    gettext_noop(
                        "Onboarding is due on %(date)s. Open tasks need finishing before then."
                    ),
                    values,
                ),
                partner_link,
            )
        )
        messages.append(
            Message(
                partner_users,
                "onboarding_due",
                Text(
                    YOUR_DUE_IN_DAYS,
                    values,
                ),
                key,
                Text(gettext_noop("Finish your onboarding checklist by %(date)s."), values),
                reverse("portal:home"),
            )
        )
        return "due_soon"
    if today > due:
        messages.append(
            Message(
                {*audiences.vendor_side(p, admin_list), *admin_list},
                "onboarding_overdue",
                Text(
                    gettext_noop("%(partner)s is overdue in onboarding (due %(date)s)"),
                    {"partner": p.name, "date": due},
                ),
                f"onboarding-overdue:{p.pk}:{due.isoformat()}",
                Text(
                    gettext_noop(
                        "The partner is at risk: onboarding passed its due date unfinished."
                    )
                ),
                partner_link,
            )
        )
        return "overdue"
    return None


def _task_overdue(t, partner_users, admin_list) -> Message:
    if t.owner_side == "partner":
        recipients, link = partner_users, reverse("portal:tasks")
        subject = gettext_noop("Overdue onboarding task: %(title)s")
    else:
        recipients = audiences.vendor_side(t.partner, admin_list)
        link = reverse("partners:detail", args=[t.partner_id])
        subject = gettext_noop("%(partner)s: overdue onboarding task “%(title)s”")
    return Message(
        recipients,
        "task_overdue",
        Text(subject, {"partner": t.partner.name, "title": t.title}),
        f"task-overdue:{t.pk}:{t.due_date}",  # the ISO date
        Text(gettext_noop("This task was due on %(date)s."), {"date": t.due_date}),
        link,
    )
