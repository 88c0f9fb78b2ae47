"""`onboarding_deadlines`: reminders before the onboarding due date, the overdue alert, and
overdue onboarding tasks — decided from the state of the database at `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.accounts import audiences
from apps.core.sweeps import due_offset, sweep
from apps.notifications.services import Message, notify_batch
from apps.partners.models import Partner, Stage
from apps.program.models import ProgramSettings

from .selectors import current_onboarding_tasks


@sweep("onboarding_deadlines")
def onboarding_deadlines(now: datetime) -> dict:
    today = timezone.localdate(now)
    offsets = sorted({int(d) for d in ProgramSettings.get().onboarding_reminder_days if int(d) > 0})
    horizon = today + timedelta(days=max(offsets, default=0))
    partners = list(
        Partner.objects.filter(
            stage=Stage.ONBOARDING,
            onboarding_due_date__isnull=False,
            onboarding_due_date__lte=horizon,
        ).select_related("manager")
    )
    tasks = list(
        current_onboarding_tasks()
        .filter(done=False, due_date__lt=today)
        .select_related("partner__manager")
    )
    ids = {p.pk for p in partners} | {t.partner_id for t in tasks}
    users = audiences.partner_users_of(ids) if ids else {}
    admin_list = audiences.admin_list() if ids else []
    messages: list[Message] = []
    counts = {"due_soon": 0, "overdue": 0, "overdue_tasks": 0}

    for p in partners:
        due = p.onboarding_due_date
        portal_link = reverse("portal:home")
        partner_link = reverse("partners:detail", args=[p.pk])
        offset = due_offset(today, due, offsets)
        if offset is not None:
            days_left = (due - today).days
            subject = f"{p.name}: onboarding due in {days_left} day{'s' if days_left != 1 else ''}"
            body = f"Onboarding is due on {due:%d %b %Y}. Open tasks need finishing before then."
            key = f"onboarding-due-{offset}d:{p.pk}:{due.isoformat()}"
            messages.append(
                Message(
                    audiences.vendor_side(p, admin_list),
                    "onboarding_due",
                    subject,
                    key,
                    body,
                    partner_link,
                )
            )
            messages.append(
                Message(
                    users.get(p.pk, []),
                    "onboarding_due",
                    f"Your onboarding is due in {days_left} day{'s' if days_left != 1 else ''}",
                    key,
                    f"Finish your onboarding checklist by {due:%d %b %Y}.",
                    portal_link,
                )
            )
            counts["due_soon"] += 1
        elif today > due:
            messages.append(
                Message(
                    {*audiences.vendor_side(p, admin_list), *admin_list},
                    "onboarding_overdue",
                    f"{p.name} is overdue in onboarding (due {due:%d %b %Y})",
                    f"onboarding-overdue:{p.pk}:{due.isoformat()}",
                    "The partner is at risk: onboarding passed its due date unfinished.",
                    partner_link,
                )
            )
            counts["overdue"] += 1

    for t in tasks:
        if t.owner_side == "partner":
            recipients, link = users.get(t.partner_id, []), reverse("portal:tasks")
            subject = f"Overdue onboarding task: {t.title}"
        else:
            recipients = audiences.vendor_side(t.partner, admin_list)
            link = reverse("partners:detail", args=[t.partner_id])
            subject = f"{t.partner.name}: overdue onboarding task “{t.title}”"
        messages.append(
            Message(
                recipients,
                "task_overdue",
                subject,
                f"task-overdue:{t.pk}:{t.due_date}",  # the ISO date
                f"This task was due on {t.due_date:%d %b %Y}.",
                link,
            )
        )
        counts["overdue_tasks"] += 1

    counts["notifications"] = notify_batch(messages)
    return counts
