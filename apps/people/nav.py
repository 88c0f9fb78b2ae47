"""The people app's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import MANAGES_TEAM
from apps.core.nav import Link

LINKS = [Link("Team", "portal:team", "partner", 70, MANAGES_TEAM)]
