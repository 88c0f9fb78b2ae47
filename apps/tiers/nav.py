"""The tiers app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("Tier proposals", "tiers:proposals", "staff", 60),
    Link("Tier", "portal:tier", "partner", 70),
    Link("Tiers", "tiers:settings", "settings", 50),
    Link("Exchange rates", "tiers:rates", "settings", 60),
]
