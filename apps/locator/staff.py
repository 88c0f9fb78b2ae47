"""A listing's logo whether or not it is listed: for the vendor's staff (the partner page's
locator section) and for the partner's own admin (the portal's Directory listing page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from apps.core.access import MANAGES_COMPANY, PARTNER_ROLE_REFUSED, partner_role_allows
from apps.core.uploads import download

from . import selectors


@login_required
@require_GET
def listing_logo(request, pk: int):
    user = request.user
    if user.is_partner_user and not user.has_portal_access:
        raise Http404
    if not partner_role_allows(user, MANAGES_COMPANY):
        raise PermissionDenied(PARTNER_ROLE_REFUSED)
    listing = get_object_or_404(selectors.visible_listings(user), pk=pk)
    if not listing.logo:
        raise Http404
    return download(listing.logo, filename="logo", content_type=listing.logo_type, inline=True)
