"""The portal home's place in the portal's navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [Link(_("Home"), "portal:home", "partner", 10)]
