"""Pages made of parts owned by different apps (the portal home, the partner detail, the
dashboard).

An app contributes a part by defining, in its `sections.py`, a function named after the page:
`portal_home(request)`, `partner_detail(request, partner)`, `dashboard(now)` or
`registration_detail(request, registration)` (the manager's registration page), returning
`(template, context)` or None, and `ORDER`, its place on every composite page (lower first).
The apps are discovered from INSTALLED_APPS (apps.core.discovery), not listed here.

The dashboard's parts are the program's figures at `now`, the same for every staff user: they are
computed with the rest of the dashboard's snapshot (apps/dashboard/snapshot.py), in a worker as
often as in a request, so they take no request, and what they return is kept in the cache (plain
data and model instances, which pickle).
"""

from __future__ import annotations

from types import ModuleType

from .discovery import app_modules


def section_modules() -> list[ModuleType]:
    """Every app's `sections` module, in page order (a module without ORDER fails here)."""
    return sorted(app_modules("sections"), key=lambda module: module.ORDER)


def collect(page: str, *args) -> list[dict]:
    parts = []
    for module in section_modules():
        func = getattr(module, page, None)  # an app takes part in some pages only
        part = func(*args) if func else None
        if part:
            template, context = part
            parts.append({"template": template, "context": context})
    return parts
