"""The library's and the courses' places in the main app's bar and the portal's (the
certifications pages are reached from the course lists)."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("Library", "enablement:library", "staff", 65),
    Link("Library", "portal:library", "partner", 65),
    Link("Courses", "enablement:courses", "staff", 66),
    Link("Courses", "portal:courses", "partner", 66),
]
