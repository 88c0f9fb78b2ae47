"""The applications queue in the main bar; the profile questions among the program settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [
    Link(_("Applications"), "applications:queue", "staff", 25),
    Link(_("Partner profile"), "applications:questions", "settings", 35),
]
