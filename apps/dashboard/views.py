from __future__ import annotations

from django.shortcuts import redirect, render

from apps.core.access import staff_required
from apps.core.sections import collect


def root(request):
    """/: the main app for admins and managers; partner users go to their portal."""
    if request.user.is_authenticated and request.user.is_partner_user:
        return redirect("portal:home")
    return home(request)


@staff_required
def home(request):
    return render(request, "dashboard/home.html", {"sections": collect("dashboard", request)})
