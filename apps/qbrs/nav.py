"""The qbrs app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [
    Link(_("QBRs"), "qbrs:list", "staff", 50),
    Link(_("QBRs"), "portal:qbrs", "partner", 60),
]
