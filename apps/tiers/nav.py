"""The tiers app's places in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [
    Link(_("Tier proposals"), "tiers:proposals", "staff", 60),
    Link(_("Tier"), "portal:tier", "partner", 70),
    Link(_("Tiers"), "tiers:settings", "settings", 50),
    Link(_("Exchange rates"), "tiers:rates", "settings", 60),
]
