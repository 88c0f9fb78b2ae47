"""The qbrs app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("QBRs", "qbrs:list", "staff", 50),
    Link("QBRs", "portal:qbrs", "partner", 60),
]
