"""Portal pages: the partner's own tasks (its onboarding checklist first)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.access import WORKS_TASKS, partner_role_required, portal_required
from apps.core.errors import NotPermitted

from . import selectors
from .services import task_set_done


def _tasks_context(request) -> dict:
    partner = request.user.partner
    onboarding = list(selectors.onboarding_tasks_for_portal(partner))
    current = [
        t for t in selectors.current_tasks(partner).order_by("order", "id") if t not in onboarding
    ]
    return {
        "partner": partner,
        "onboarding": onboarding,
        "current": current,
        "steps": selectors.step_progress(onboarding),
        "today": timezone.localdate(),
    }


@portal_required
def tasks(request):
    return render(request, "partners/portal_tasks.html", _tasks_context(request))


@portal_required
@partner_role_required(WORKS_TASKS)
@require_POST
def task_toggle(request, pk: int):
    task = get_object_or_404(selectors.visible_tasks(request.user), pk=pk)
    try:
        task_set_done(task=task, done=request.POST.get("done") == "1", actor=request.user)
    except NotPermitted as exc:
        messages.error(request, exc.detail)
    if request.htmx:
        return render(request, "partners/_portal_tasks_body.html", _tasks_context(request))
    return redirect("portal:tasks")
