"""The agreements app's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import READS_AGREEMENTS
from apps.core.nav import Link

LINKS = [Link(_("Agreements"), "portal:agreements", "partner", 50, READS_AGREEMENTS)]
