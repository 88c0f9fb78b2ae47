"""The partners app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import MANAGES_COMPANY
from apps.core.nav import Link

LINKS = [
    Link("Partners", "partners:list", "staff", 20),
    Link("Onboarding", "portal:tasks", "partner", 40),
    Link("Company", "portal:company", "partner", 85, MANAGES_COMPANY),
]
