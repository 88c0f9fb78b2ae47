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


def mark_current(links: list[dict], path: str) -> None:
    """One link is the current page's: the one whose address (or a page it covers) is the
    longest start of `path` (Earnings at /funds/earnings/, not Funds at /funds/); the home
    pages only for themselves."""
    best, length = None, 0
    for link in links:
        link["current"] = False
        for prefix in link["prefixes"]:
            home = prefix in ("/", "/portal/")
            if (path == prefix or (not home and path.startswith(prefix))) and len(prefix) > length:
                best, length = link, len(prefix)
    if best is not None:
        best["current"] = True


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "may": {}}
    links = links_for(user)
    mark_current(links, request.path)
    may = {name: partner_role_allows(user, roles) for name, roles in MAY.items()}
    return {"nav_links": links, "may": may}
