"""Portal pages: the partner's own tasks (its onboarding checklist first)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import (
    MANAGES_COMPANY,
    WORKS_TASKS,
    partner_role_required,
    portal_required,
)
from apps.core.errors import DomainError, InvalidInput, NotPermitted

from . import selectors
from .forms import ReachProposalForm
from .services import partner_propose_reach, task_set_done


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
    except (NotPermitted, DomainError) as exc:
        messages.error(request, exc.detail)
    if request.htmx:
        return render(request, "partners/_portal_tasks_body.html", _tasks_context(request))
    return redirect("portal:tasks")


@portal_required
@partner_role_required(MANAGES_COMPANY)
def company(request):
    """The partner admin's company profile: propose the countries and specializations it serves
    (its manager applies them: they drive lead routing). The public locator opt-in lives on the
    Directory listing page, linked from here."""
    partner = request.user.partner
    reach = ReachProposalForm(
        initial={
            "countries": partner.proposed_countries
            if partner.reach_proposed_at
            else partner.countries,
            "specializations": partner.proposed_specializations
            if partner.reach_proposed_at
            else partner.specializations,
        }
    )
    status = 200
    if request.method == "POST":
        reach = ReachProposalForm(request.POST)
        if reach.is_valid():
            try:
                partner_propose_reach(partner=partner, actor=request.user, **reach.cleaned_data)
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        reach.add_error(field if field in reach.fields else None, error)
            else:
                messages.success(request, _("Sent to your partner manager."))
                return redirect("portal:company")
        status = 400
    return render(
        request,
        "partners/portal_company.html",
        {"partner": partner, "reach": reach},
        status=status,
    )
