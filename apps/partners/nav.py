"""The partners app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import MANAGES_COMPANY
from apps.core.nav import Link

LINKS = [
    Link(_("Partners"), "partners:list", "staff", 20),
    Link(_("Onboarding"), "portal:tasks", "partner", 40),
    Link(_("Company"), "portal:company", "partner", 85, MANAGES_COMPANY),
]
