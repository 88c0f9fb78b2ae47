"""The funds app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import WORKS_FUNDS
from apps.core.nav import Link

LINKS = [
    Link("Funds", "funds:overview", "staff", 45),
    Link("Fund requests", "funds:queue", "staff", 46),
    Link("My funds", "portal:funds", "partner", 40),
    Link("Request funds", "portal:fund_request_new", "partner", 41, WORKS_FUNDS),
]
