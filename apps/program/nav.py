"""The program settings' place in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [
    Link(_("Program"), "program:settings", "admin", 70),
    Link(_("Program settings"), "program:settings", "settings", 10),
    Link(_("Stages"), "program:stages", "settings", 20),
    Link(_("Playbooks"), "program:playbooks", "settings", 30),
    Link(_("Partner types"), "program:partner_types", "settings", 40),
    Link(_("Rejection reasons"), "program:rejection_reasons", "settings", 45),
]
