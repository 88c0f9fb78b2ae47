"""The applications queue in the main bar; the profile questions among the program settings."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("Applications", "applications:queue", "staff", 25),
    Link("Partner profile", "applications:questions", "settings", 35),
]
