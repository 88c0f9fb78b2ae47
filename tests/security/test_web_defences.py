"""CSRF on every unsafe request, security headers and CSP, login lockout, session expiry.
(`check --deploy` with production settings is proven in tests/core/test_health_and_schema.py.)"""

from __future__ import annotations

import pytest
from django.test import Client

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

UNSAFE = sorted(n for n, e in MATRIX.items() if e[2] == "post" and e[0] != "api")


# The anonymous API doors read no cookie (no session authentication): nothing for CSRF to forge.
COOKIELESS = ("api-token", "invitation-accept", "locator-contact-list")


@pytest.mark.parametrize("name", [n for n in UNSAFE if n not in COOKIELESS])
def test_every_unsafe_page_request_needs_the_csrf_token(name, world, alice):
    c = Client(enforce_csrf_checks=True)
    c.force_login(alice)
    response = c.post(url_for(name, world), {"note": "x", "reason": "x"})
    assert response.status_code == 403, (name, response.status_code)


def test_session_authenticated_api_writes_need_the_csrf_token(world, bob):
    c = Client(enforce_csrf_checks=True)
    c.force_login(bob)
    url = f"/api/v1/partners/{world['partner'].pk}/transitions/start_evaluation/"
    assert c.post(url, {}, content_type="application/json").status_code == 403
    world["partner"].refresh_from_db()
    assert world["partner"].stage == "growth"


@pytest.mark.parametrize("url", ["/accounts/login/", "/portal/", "/", "/api/v1/users/me/"])
def test_responses_carry_the_security_headers(url, client_for, charlie, bob):
    user = charlie if url.startswith("/portal") else bob
    response = client_for(user).get(url, follow=False)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )


def test_login_locks_out_after_repeated_failures(bob, settings):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    from tests.factories import PASSWORD

    response = c.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in c.session


def test_an_expired_session_is_signed_out(bob, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.accounts.models import UserSession as Session

    c = Client()
    c.force_login(bob)
    assert c.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = c.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 12
    assert settings.SESSION_COOKIE_HTTPONLY


def test_a_request_django_refuses_to_read_gets_a_page_that_says_so(client_for, bob):
    """Too many fields (or too large a body): a 400 with the product's page, nothing changed."""
    from apps.partners.models import Partner

    before = Partner.objects.count()
    fields = {f"f{i}": "x" for i in range(5000)}
    response = client_for(bob).post("/partners/new/", fields)
    assert response.status_code == 400
    assert b"Request not accepted" in response.content
    assert Partner.objects.count() == before
