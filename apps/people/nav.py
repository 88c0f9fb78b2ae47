"""The people app's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import MANAGES_TEAM
from apps.core.nav import Link

LINKS = [Link(_("Team"), "portal:team", "partner", 70, MANAGES_TEAM)]
