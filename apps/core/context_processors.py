from __future__ import annotations

from .access import (
    MANAGES_TEAM,
    READS_AGREEMENTS,
    SIGNS_AGREEMENTS,
    WORKS_DEALS,
    WORKS_FUNDS,
    WORKS_TASKS,
    partner_role_allows,
)
from .nav import links_for

# What the signed-in user may do, for templates to offer only that ({% if may.work_deals %}).
MAY = {
    "work_deals": WORKS_DEALS,
    "work_tasks": WORKS_TASKS,
    "read_agreements": READS_AGREEMENTS,
    "sign_agreements": SIGNS_AGREEMENTS,
    "manage_team": MANAGES_TEAM,
    "work_funds": WORKS_FUNDS,
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "may": {}}
    links = links_for(user)
    path = request.path
    for link in links:
        link["current"] = path == link["url"] or (
            link["url"] not in ("/", "/portal/") and path.startswith(link["url"])
        )
    may = {name: partner_role_allows(user, roles) for name, roles in MAY.items()}
    return {"nav_links": links, "may": may}
