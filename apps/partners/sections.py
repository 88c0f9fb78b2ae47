"""Parts this app adds to composite pages (apps/core/sections.py)."""

from __future__ import annotations

from . import selectors
from .models import Stage


def portal_home(request):
    partner = request.user.partner
    tasks = list(selectors.onboarding_tasks_for_portal(partner))
    if not tasks and partner.stage != Stage.ONBOARDING:
        return None
    done = sum(1 for t in tasks if t.done)
    return "partners/_portal_home.html", {
        "partner": partner,
        "tasks": tasks,
        "done": done,
        "total": len(tasks),
        "percent": round(100 * done / len(tasks)) if tasks else 0,
        "open_partner_tasks": [t for t in tasks if not t.done and t.owner_side == "partner"][:5],
    }
