"""The portal's Directory listing page: the partner admin words the company's public listing,
uploads its logo and opts in to (or out of) the public partner locator."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.access import MANAGES_COMPANY, partner_role_required, portal_required
from apps.core.errors import InvalidInput, NotPermitted

from . import selectors, services
from .forms import ListingForm


def _admin_page(view):
    return portal_required(partner_role_required(MANAGES_COMPANY)(view))


@_admin_page
@require_http_methods(["GET", "HEAD", "POST"])
def listing(request):
    partner = request.user.partner
    current = selectors.listing_of(partner)
    initial = {
        "listed": partner.listed_in_locator,
        "public_name": current.public_name if current else "",
        "description": current.description if current else "",
    }
    form = ListingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.listing_save(
                partner=partner,
                actor=request.user,
                public_name=data["public_name"],
                description=data["description"],
                listed=data["listed"],
                logo=data["logo"],
                remove_logo=data["remove_logo"],
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except NotPermitted as exc:
            form.add_error(None, exc.detail)
        else:
            if data["listed"]:
                messages.success(request, _("Saved: your company is listed in the directory."))
            else:
                messages.success(request, _("Saved: your company is not listed in the directory."))
            return redirect("portal:listing")
    return render(
        request,
        "locator/portal_listing.html",
        {
            "form": form,
            "partner": partner,
            "listing": current,
            "card": selectors.directory_entry(current.pk) if current else None,
        },
        status=400 if form.errors else 200,
    )
