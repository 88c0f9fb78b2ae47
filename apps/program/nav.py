"""The program settings' place in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("Program", "program:settings", "admin", 70),
    Link("Program settings", "program:settings", "settings", 10),
    Link("Stages", "program:stages", "settings", 20),
    Link("Playbooks", "program:playbooks", "settings", 30),
    Link("Partner types", "program:partner_types", "settings", 40),
    Link("Rejection reasons", "program:rejection_reasons", "settings", 45),
]
