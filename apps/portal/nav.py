"""The portal home's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [Link("Home", "portal:home", "partner", 10)]
