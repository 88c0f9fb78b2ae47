"""Navigation, contributed by each app in its `nav.py` and discovered from INSTALLED_APPS.

An app's `nav.py` defines `LINKS`, a list of `Link`s: the label, the URL name, who sees it
(`staff`, `admin` — the main app's bar —, `partner`, the portal's, or `settings`, the tabs of the
program settings pages) and its place (`order`, lower first). A URL name that no longer resolves raises NoReverseMatch: a renamed page
fails loudly in tests, it never disappears from the bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.urls import reverse
from django.utils.functional import Promise

from .access import partner_role_allows
from .discovery import app_modules

Audience = Literal["staff", "admin", "partner", "settings"]


@dataclass(frozen=True)
class Link:
    label: str | Promise  # marked for translation (gettext_lazy): shown in the user's language
    url_name: str
    audience: Audience
    order: int
    # For partner links: the partner roles that may open the page (apps.core.access); all if None.
    partner_roles: frozenset[str] | None = None
    # URL names of pages that belong to this link's place though their address does not start
    # with its own (Earnings covers the payout batches under /funds/payouts/).
    covers: tuple[str, ...] = ()


def all_links() -> list[Link]:
    """Every app's links, in bar order."""
    return sorted(
        (link for module in app_modules("nav") for link in module.LINKS),
        key=lambda link: link.order,
    )


def links_for(user) -> list[dict]:
    """The bar `user` sees: the portal's for a partner user, the main app's (admin links for
    admins only) for the staff."""
    if user.is_partner_user:
        wanted = {"partner"}
    else:
        wanted = {"staff", "admin"} if user.is_admin else {"staff"}
    links = []
    for link in all_links():
        if link.audience not in wanted:
            continue
        if link.partner_roles is not None and not partner_role_allows(user, link.partner_roles):
            continue
        url = reverse(link.url_name)
        links.append(
            {
                "label": link.label,
                "url": url,
                "name": link.url_name,
                "prefixes": [url, *(reverse(n) for n in link.covers)],
            }
        )
    return links


def settings_tabs() -> list[tuple[str, str | Promise]]:
    """The tabs of the program settings pages, (url name, label): the program's own and those
    of the apps configured beside it (tiers, lead routing, exchange rates, agreement
    templates)."""
    return [(link.url_name, link.label) for link in all_links() if link.audience == "settings"]
