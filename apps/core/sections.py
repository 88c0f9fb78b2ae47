"""Pages made of parts owned by different apps (the portal home, the partner detail).

An app contributes a part by defining, in its `sections.py`, a function named after the page:
`portal_home(request)` or `partner_detail(request, partner)`, returning `(template, context)` or
None. The page renders the parts in SECTION_APPS order.
"""

from __future__ import annotations

from importlib import import_module

SECTION_APPS = [
    "onboarding",
    "partners",
    "program",
    "agreements",
    "deals",
    "qbrs",
    "tiers",
    "dashboard",
]


def collect(page: str, *args) -> list[dict]:
    parts = []
    for app in SECTION_APPS:
        try:
            module = import_module(f"apps.{app}.sections")
        except ModuleNotFoundError as exc:
            if exc.name != f"apps.{app}.sections":
                raise
            continue
        func = getattr(module, page, None)
        part = func(*args) if func else None
        if part:
            template, context = part
            parts.append({"template": template, "context": context})
    return parts
