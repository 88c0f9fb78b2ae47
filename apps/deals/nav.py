"""The deals app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import WORKS_DEALS
from apps.core.nav import Link

LINKS = [
    Link(_("Registrations"), "deals:queue", "staff", 40),
    Link(_("Register a deal"), "portal:deal_new", "partner", 20, WORKS_DEALS),
    Link(_("My registrations"), "portal:deals", "partner", 30),
]
