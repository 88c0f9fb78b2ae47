"""The library's place in the main app's bar and the portal's."""

from __future__ import annotations

from apps.core.nav import Link

LINKS = [
    Link("Library", "enablement:library", "staff", 65),
    Link("Library", "portal:library", "partner", 65),
]
