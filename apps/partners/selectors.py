"""Reads of the partners app, with their joins decided once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Count, QuerySet

from .models import Partner, Stage, StageHistory, Task


def visible_partners(user) -> QuerySet[Partner]:
    """Every partner for staff; a partner user's own company only."""
    qs = Partner.objects.select_related("partner_type", "tier", "manager")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(pk=user.partner_id)
    return qs.none()


def stage_counts() -> dict[str, int]:
    rows = Partner.objects.values("stage").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Stage}
    counts.update({r["stage"]: r["n"] for r in rows})
    return counts


def partner_history(partner: Partner) -> QuerySet[StageHistory]:
    return partner.history.select_related("actor").order_by("at", "id")


def partner_tasks(partner: Partner) -> QuerySet[Task]:
    return partner.tasks.select_related("done_by").order_by("-stage_visit", "order", "id")


def current_tasks(partner: Partner) -> QuerySet[Task]:
    """The tasks of the partner's present visit of its present stage."""
    return partner.tasks.filter(stage=partner.stage, stage_visit=partner.stage_entered_at)


def visible_tasks(user) -> QuerySet[Task]:
    qs = Task.objects.select_related("partner")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def onboarding_tasks_for_portal(partner: Partner) -> QuerySet[Task]:
    """The checklist a partner works: its latest onboarding visit's tasks."""
    latest = (
        partner.tasks.filter(stage=Stage.ONBOARDING)
        .order_by("-stage_visit")
        .values_list("stage_visit", flat=True)
        .first()
    )
    if latest is None:
        return Task.objects.none()
    return partner.tasks.filter(stage=Stage.ONBOARDING, stage_visit=latest).order_by("order", "id")


class StepProgress(TypedDict):
    done: int
    total: int
    percent: int


def step_progress(tasks: Iterable[Task]) -> StepProgress:
    """How far a checklist is: its required steps done of its required steps — what the stage's
    completing transition waits for. The one count of the partner page, the portal's home and
    checklist and the onboarding overview (optional steps are shown, never counted)."""
    required = [t for t in tasks if t.required]
    done = sum(1 for t in required if t.done)
    return {"done": done, "total": len(required), "percent": percent_done(done, len(required))}


def percent_done(done: int, total: int) -> int:
    """How much of the required work is done, in percent; all of it when nothing is required."""
    return round(100 * done / total) if total else 100
