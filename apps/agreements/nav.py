"""The agreements app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import READS_AGREEMENTS
from apps.core.nav import Link

LINKS = [
    Link(_("Agreements"), "agreements:list", "staff", 48),
    Link(_("Agreements"), "portal:agreements", "partner", 50, READS_AGREEMENTS),
    Link(_("Agreement templates"), "agreements:templates", "settings", 70),
]
