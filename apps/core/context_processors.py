from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# (label, url name, who sees it): main-app navigation; the portal has its own.
MAIN_NAV = [
    ("Dashboard", "home", "staff"),
    ("Partners", "partners:list", "staff"),
    ("Onboarding", "onboarding:overview", "staff"),
    ("Registrations", "deals:queue", "staff"),
    ("QBRs", "qbrs:list", "staff"),
    ("Tier proposals", "tiers:proposals", "staff"),
    ("Program", "program:settings", "admin"),
]
PORTAL_NAV = [
    ("Home", "portal:home"),
    ("Register a deal", "portal:deal_new"),
    ("My registrations", "portal:deals"),
    ("Onboarding", "portal:tasks"),
    ("Agreements", "portal:agreements"),
    ("QBRs", "portal:qbrs"),
    ("Tier", "portal:tier"),
]


def _links(entries):
    links = []
    for label, name in entries:
        try:
            links.append({"label": label, "url": reverse(name), "name": name})
        except NoReverseMatch:
            continue  # a page another part of the product has not shipped yet
    return links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    if user.is_partner_user:
        links = _links(PORTAL_NAV)
    else:
        wanted = [(label, name) for label, name, who in MAIN_NAV if who == "staff" or user.is_admin]
        links = _links(wanted)
    path = request.path
    for link in links:
        link["current"] = path == link["url"] or (
            link["url"] not in ("/", "/portal/") and path.startswith(link["url"])
        )
    return {"nav_links": links}
