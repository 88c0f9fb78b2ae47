"""The leads app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import WORKS_LEADS
from apps.core.nav import Link

LINKS = [
    Link(_("Leads"), "leads:board", "staff", 44),
    Link(_("Leads"), "portal:leads", "partner", 25, WORKS_LEADS),
    Link(_("Lead routing"), "leads:rules", "settings", 55),
    Link(_("Lead settings"), "leads:settings", "settings", 57),
]
