"""The partner page's Partner locator section: the manager sees the listing as the partner's
admin worded it, and whether the public sees it."""

from __future__ import annotations

from . import selectors

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 90


def partner_detail(request, partner):
    current = selectors.listing_of(partner)
    return "locator/_partner_section.html", {
        "partner": partner,
        "listing": current,
        "public": selectors.directory_entry(current.pk) if current else None,
    }
