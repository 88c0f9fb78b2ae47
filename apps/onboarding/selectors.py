"""Reads of onboarding: who is onboarding, how far along, and who is at risk.

"At risk" is derived, never stored: a partner in onboarding past its due date is at risk until
it completes onboarding or exits, so the mark cannot drift from the facts.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django_stubs_ext import WithAnnotations

from apps.partners.models import Partner, Stage, Task
from apps.partners.selectors import step_progress


class OnboardingProgress(TypedDict):
    required_total: int
    required_done: int
    overdue_tasks: int
    next_task_title: str | None
    next_task_due: date | None
    at_risk: bool


def current_onboarding_tasks() -> QuerySet[Task]:
    """Tasks of each onboarding partner's current visit of the onboarding stage."""
    return Task.objects.filter(
        stage=Stage.ONBOARDING,
        partner__stage=Stage.ONBOARDING,
        stage_visit=F("partner__stage_entered_at"),
    )


def onboarding_partners(
    today: date,
) -> QuerySet[WithAnnotations[Partner, OnboardingProgress]]:
    """Partners in onboarding with their progress, next task due and risk; at-risk first."""
    visit = Q(tasks__stage=Stage.ONBOARDING, tasks__stage_visit=F("stage_entered_at"))
    required = visit & Q(tasks__required=True)
    next_task = Task.objects.filter(
        partner=OuterRef("pk"),
        stage=Stage.ONBOARDING,
        stage_visit=OuterRef("stage_entered_at"),
        done=False,
    ).order_by(F("due_date").asc(nulls_last=True), "order", "id")
    return (
        Partner.objects.filter(stage=Stage.ONBOARDING)
        .select_related("manager", "partner_type")
        .annotate(
            required_total=Count("tasks", filter=required),
            required_done=Count("tasks", filter=required & Q(tasks__done=True)),
            overdue_tasks=Count(
                "tasks", filter=visit & Q(tasks__done=False, tasks__due_date__lt=today)
            ),
            next_task_title=Subquery(next_task.values("title")[:1]),
            next_task_due=Subquery(next_task.values("due_date")[:1]),
            at_risk=Case(
                When(onboarding_due_date__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-at_risk", F("onboarding_due_date").asc(nulls_last=True), "name")
    )


def progress(partner: Partner) -> dict:
    """One partner's onboarding progress (for the partner page and the portal)."""
    tasks = list(
        Task.objects.filter(
            partner=partner, stage=Stage.ONBOARDING, stage_visit=partner.stage_entered_at
        ).order_by("order", "id")
    )
    steps = step_progress(tasks)
    return {
        "tasks": tasks,
        "required_total": steps["total"],
        "required_done": steps["done"],
        "percent": steps["percent"],
    }
