"""The onboarding overview's place in the navigation (apps/core/nav.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.nav import Link

LINKS = [Link(_("Onboarding"), "onboarding:overview", "staff", 30)]
