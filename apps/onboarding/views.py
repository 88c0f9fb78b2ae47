from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from apps.core.access import staff_required

from .selectors import onboarding_partners


@staff_required
def overview(request):
    today = timezone.localdate()
    mine = request.GET.get("mine") == "1"
    partners = onboarding_partners(today)
    if mine:
        partners = partners.filter(manager=request.user)
    rows = list(partners)
    for p in rows:
        p.days_left = (p.onboarding_due_date - today).days if p.onboarding_due_date else None
        p.percent = round(100 * p.required_done / p.required_total) if p.required_total else 100
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
