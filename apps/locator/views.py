"""The public partner locator (no sign-in): the directory at /partners/find/, a listed partner's
logo, and the two contact forms with their one "thank you"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import InvalidInput
from apps.core.filters import for_page
from apps.core.throttles import ScopeThrottle
from apps.core.uploads import download

from . import selectors, services
from .filters import DirectoryFilter
from .forms import ContactForm

PAGE_SIZE = 24
# How long a browser or a proxy may keep the directory and the logos (seconds).
DIRECTORY_MAX_AGE = 300
LOGO_MAX_AGE = 3600
THROTTLE_SCOPE = "public_form"  # shared with /apply/: one budget per client


def _cacheable(request, response, max_age: int):
    """Public for the anonymous visitor (the directory shows nobody's own data); a signed-in
    user's copy shows their name in the bar, so it stays theirs."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_GET
def directory(request):
    # A value that does not validate is said above the list, which then lists nothing.
    filters = DirectoryFilter(request.GET, queryset=selectors.directory())
    found, http_status = for_page(filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    countries, specializations = selectors.directory_choices()
    response = render(
        request,
        "locator/directory.html",
        {
            "filters": filters,
            "filter_errors": filters.errors,
            "page": page,
            "countries": countries,
            "specializations": specializations,
            "searched": any(request.GET.get(k) for k in ("q", "country", "specialization")),
        },
        status=http_status,
    )
    return _cacheable(request, response, DIRECTORY_MAX_AGE)


@require_GET
def logo(request, pk: int):
    listing = get_object_or_404(selectors.listed().exclude(logo=""), pk=pk)
    response = download(listing.logo, filename="logo", content_type=listing.logo_type, inline=True)
    # Public: a listed partner's logo is shown to anyone (download() keeps files private).
    del response.headers["Cache-Control"]
    return _cacheable(request, response, LOGO_MAX_AGE)


def _contact_page(request, *, listing_id: int | None = None, listing=None):
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            # The same "thank you" as for a person, and nothing kept: a bot learns nothing.
            return redirect("find:thanks")
        if form.is_valid():
            # Over the rate: thanked all the same, nothing kept (a flood learns nothing either).
            try:
                if ScopeThrottle(THROTTLE_SCOPE).allow(request):
                    services.contact_request(fields=form.cleaned_data, listing_id=listing_id)
            except InvalidInput as exc:  # the buyer's own input, e.g. an e-mail domain
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return redirect("find:thanks")
    return render(
        request,
        "locator/contact.html",
        {"form": form, "listing": listing},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request, pk: int):
    """ "Contact this partner": a lead routed to that partner. What a POST names is not looked
    up here: whether the partner is listed, the answer is the same (services.contact_request)."""
    if request.method == "POST":
        return _contact_page(request, listing_id=pk, listing=selectors.directory_entry(pk))
    listing = selectors.directory_entry(pk)
    if listing is None:
        raise Http404
    return _contact_page(request, listing_id=pk, listing=listing)


@require_http_methods(["GET", "HEAD", "POST"])
def find(request):
    """ "Find me a partner": a lead routed by the rules."""
    return _contact_page(request)


@require_GET
def thanks(request):
    return render(request, "locator/thanks.html")
