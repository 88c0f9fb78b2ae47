"""The leads app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import WORKS_LEADS
from apps.core.nav import Link

LINKS = [
    Link("Leads", "leads:board", "staff", 44),
    Link("Leads", "portal:leads", "partner", 25, WORKS_LEADS),
    Link("Lead routing", "leads:rules", "settings", 55),
    Link("Lead settings", "leads:settings", "settings", 57),
]
