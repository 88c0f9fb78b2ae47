"""The onboarding overview's place in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [Link("Onboarding", "onboarding:overview", "staff", 30)]
