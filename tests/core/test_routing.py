"""Role routing for every page of the main app and the portal, generated from the URL conf."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("api/", "admin/", "accounts/", "healthz", "static/", "media/")


def _parameterless_get_pages(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _parameterless_get_pages(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" in route or "(?P" in route or route.startswith(SKIP_PREFIXES):
                continue
            yield "/" + route.lstrip("^").rstrip("$")


def _pages():
    main = sorted(
        p
        for p in set(_parameterless_get_pages())
        if not p.startswith("/portal/") and p not in PUBLIC
    )
    portal = sorted(p for p in set(_parameterless_get_pages()) if p.startswith("/portal/"))
    return main, portal


SHARED = {"/notifications/", "/notifications/bell/"}
# Public pages: the application form and its answer, open to anyone (no login, no redirect).
PUBLIC = {
    "/apply/",
    "/apply/received/",
    # The partner locator.
    "/partners/find/",
    "/partners/find/match/",
    "/partners/find/thanks/",
}
POST_ONLY_SUFFIXES = ("/read-all/",)
# Pages that confirm a choice made on another page: opened without one, they say so (400).
NEEDS_A_CHOICE = ("/tiers/proposals/approve/",)


def _opens(response) -> bool:
    """200, or 405 from a POST-only URL (its GET is refused by method, after the role check)."""
    return response.status_code == 200 or (
        response.status_code == 405 and "POST" in response.get("Allow", "")
    )


def test_the_public_pages_open_for_everyone(client, client_for, charlie, bob):
    assert set(_parameterless_get_pages()) >= PUBLIC
    for c in (client, client_for(charlie), client_for(bob)):
        for url in sorted(PUBLIC):
            assert c.get(url).status_code == 200, url


def test_it_refuses_anonymous_users_everywhere(client):
    main, portal = _pages()
    for url in main + portal:
        if url.endswith(POST_ONLY_SUFFIXES):
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_it_sends_partner_users_from_the_main_app_to_the_portal(client_for, charlie):
    c = client_for(charlie)
    main, _ = _pages()
    for url in main:
        if url in SHARED or url.endswith(POST_ONLY_SUFFIXES):
            continue
        response = c.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/portal/", url


def test_it_sends_staff_from_the_portal_to_the_main_app(client_for, bob, alice):
    _, portal = _pages()
    assert "/portal/" in portal
    for user in (alice, bob):
        c = client_for(user)
        for url in portal:
            response = c.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == "/", url


def test_it_lets_partner_users_open_their_portal(client_for, charlie):
    c = client_for(charlie)
    _, portal = _pages()
    for url in portal:
        response = c.get(url)
        assert _opens(response), (url, response.status_code)


def test_it_lets_staff_open_the_main_app(client_for, bob, alice):
    main, _ = _pages()
    for url in main:
        if url.endswith(POST_ONLY_SUFFIXES):
            continue
        response = client_for(alice).get(url)
        if url.endswith(NEEDS_A_CHOICE):
            assert response.status_code == 400, url
            continue
        assert _opens(response), (url, response.status_code)


def test_it_forbids_managers_the_admin_only_pages(client_for, bob):
    from django.urls import reverse

    for name in ("program:settings", "tiers:settings", "leads:settings"):
        assert client_for(bob).get(reverse(name)).status_code == 403, name
