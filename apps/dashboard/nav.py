"""The dashboard's place in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [Link("Dashboard", "home", "staff", 10)]
