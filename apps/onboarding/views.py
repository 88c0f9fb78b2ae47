from __future__ import annotations

from typing import cast

from django.shortcuts import render
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from apps.core.access import staff_required
from apps.partners.models import Partner
from apps.partners.selectors import percent_done

from .selectors import OnboardingProgress, onboarding_partners


class OverviewFigures(OnboardingProgress):
    days_left: int | None
    percent: int


@staff_required
def overview(request):
    today = timezone.localdate()
    mine = request.GET.get("mine") == "1"
    partners = onboarding_partners(today)
    if mine:
        partners = partners.filter(manager=request.user)
    # Each row is the partner, with its figures from the query and the two set here.
    rows = cast("list[WithAnnotations[Partner, OverviewFigures]]", list(partners))
    for p in rows:
        p.days_left = (p.onboarding_due_date - today).days if p.onboarding_due_date else None
        p.percent = percent_done(p.required_done, p.required_total)
    return render(
        request,
        "onboarding/overview.html",
        {
            "rows": rows,
            "mine": mine,
            "at_risk": sum(1 for p in rows if p.at_risk),
            "today": today,
        },
    )
