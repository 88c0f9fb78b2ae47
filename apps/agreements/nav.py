"""The agreements app's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.access import READS_AGREEMENTS
from apps.core.nav import Link

LINKS = [Link("Agreements", "portal:agreements", "partner", 50, READS_AGREEMENTS)]
