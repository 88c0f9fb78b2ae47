"""The deals app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import WORKS_DEALS
from apps.core.nav import Link

LINKS = [
    Link("Registrations", "deals:queue", "staff", 40),
    Link("Register a deal", "portal:deal_new", "partner", 20, WORKS_DEALS),
    Link("My registrations", "portal:deals", "partner", 30),
]
