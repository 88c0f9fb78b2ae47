"""The exchange's place in the navigation (apps/core/nav.py): the import and export page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [Link(_("Import/export"), "exchange:index", "staff", 68)]
