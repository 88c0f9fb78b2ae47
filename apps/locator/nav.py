"""The locator's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import MANAGES_COMPANY
from apps.core.nav import Link

LINKS = [Link(_("Directory listing"), "portal:listing", "partner", 75, MANAGES_COMPANY)]
