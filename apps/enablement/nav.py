"""The library's and the courses' places in the main app's bar and the portal's (the
certifications pages are reached from the course lists)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [
    Link(_("Library"), "enablement:library", "staff", 65),
    Link(_("Library"), "portal:library", "partner", 65),
    Link(_("Courses"), "enablement:courses", "staff", 66),
    Link(_("Courses"), "portal:courses", "partner", 66),
]
