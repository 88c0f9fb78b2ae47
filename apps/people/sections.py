"""The partner page's People section: contacts and portal users together, and the invitations
that wait for an answer."""

from __future__ import annotations

from django.utils import timezone

from .selectors import pending_invitations, people_of

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 35


def partner_detail(request, partner):
    return "people/_partner_section.html", {
        "partner": partner,
        "people": people_of(partner),
        "invitations": list(pending_invitations(partner, timezone.now())),
    }
