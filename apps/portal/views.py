from __future__ import annotations

from django.shortcuts import render

from apps.core.access import portal_required
from apps.core.sections import collect


@portal_required
def home(request):
    return render(
        request,
        "portal/home.html",
        {"partner": request.user.partner, "sections": collect("portal_home", request)},
    )
