"""Pages made of parts owned by different apps (the portal home, the partner detail, the
dashboard).

An app contributes a part by defining, in its `sections.py`, a function named after the page:
`portal_home(request)`, `partner_detail(request, partner)`, `dashboard(request)` or
`registration_detail(request, registration)` (the manager's registration page), returning
`(template, context)` or None, and `ORDER`, its place on every composite page (lower first).
The apps are discovered from INSTALLED_APPS (apps.core.discovery), not listed here.
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
