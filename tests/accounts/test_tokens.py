"""API tokens (django-rest-knox: stored as digests, expiring, listed and revoked by their owner)
and the end of every session and token at a password change, a reset or a deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.accounts.models import User, UserSession
from apps.accounts.services import token_create
from tests.factories import PASSWORD, AdminFactory

from .admin_site import change_form_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zx9-a-brand-new-secret"


def _token_client(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def _obtain(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- stored hashed, expiring ------------------------------------------------------------------


def test_a_token_is_stored_as_a_digest_only(bob):
    key = _obtain("bob")
    row = AuthToken.objects.get(user=bob)
    assert key not in (row.digest, row.token_key) and row.digest != key
    assert key.startswith(row.token_key)
    assert _token_client(key).get("/api/v1/users/me/").json()["username"] == "bob"


def test_a_token_expires_after_the_configured_time(bob, settings):
    key = _obtain("bob")
    row = AuthToken.objects.get(user=bob)
    ttl = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert abs(row.expiry - (timezone.now() + ttl)) < timedelta(minutes=1)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _token_client(key).get("/api/v1/users/me/").status_code == 401
    assert not AuthToken.objects.filter(pk=row.pk).exists()


def test_each_sign_in_gets_its_own_token_and_expired_ones_are_cleared(bob):
    first, second = _obtain("bob"), _obtain("bob")
    assert first != second
    AuthToken.objects.filter(user=bob).update(expiry=timezone.now() - timedelta(seconds=1))
    token_create(bob)
    assert AuthToken.objects.filter(user=bob).count() == 1


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \x00abc", "Token " + "f" * 64])
def test_a_malformed_or_unknown_token_is_refused(bob, header):
    assert APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/users/me/").status_code == 401


def test_an_inactive_users_token_is_refused(bob):
    key = _obtain("bob")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert _token_client(key).get("/api/v1/users/me/").status_code == 401


# --- listed and revoked by their owner --------------------------------------------------------


def test_the_owner_lists_their_tokens_without_the_keys(bob, charlie):
    keys = [_obtain("bob"), _obtain("bob")]
    _obtain("charlie")
    response = _token_client(keys[0]).get("/api/v1/users/me/tokens/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert all(set(row) == {"id", "created", "expiry"} for row in rows)
    assert {row["id"] for row in rows} == {k[: len(rows[0]["id"])] for k in keys}
    assert not any(key in response.content.decode() for key in keys)


def test_the_owner_revokes_a_token(bob):
    keep, revoke = _obtain("bob"), _obtain("bob")
    prefix = AuthToken.objects.get(user=bob, token_key=revoke[:15]).token_key
    response = _token_client(keep).delete(f"/api/v1/users/me/tokens/{prefix}/")
    assert response.status_code == 204
    assert not AuthToken.objects.filter(token_key=prefix).exists()
    assert _token_client(revoke).get("/api/v1/users/me/").status_code == 401
    assert _token_client(keep).get("/api/v1/users/me/").status_code == 200


def test_another_users_token_cannot_be_revoked(bob, charlie):
    mine, theirs = _obtain("bob"), _obtain("charlie")
    prefix = theirs[:15]
    response = _token_client(mine).delete(f"/api/v1/users/me/tokens/{prefix}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(user=charlie, token_key=prefix).exists()
    assert _token_client(mine).delete("/api/v1/users/me/tokens/nosuchtoken/").status_code == 404


def test_the_token_endpoints_refuse_anonymous_callers():
    api = APIClient()
    assert api.get("/api/v1/users/me/tokens/").status_code == 401
    assert api.delete("/api/v1/users/me/tokens/0123456789abcde/").status_code == 401
    response = api.post(
        "/api/v1/users/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 401


# --- a password change ends every other session and every token -------------------------------


def test_a_password_change_by_token_ends_every_token_and_session(charlie):
    old_keys = [_obtain("charlie"), _obtain("charlie")]
    browser = _signed_in(charlie)
    assert UserSession.objects.filter(user=charlie).count() == 1
    response = _token_client(old_keys[0]).post(
        "/api/v1/users/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    new_key = response.json()["token"]
    assert list(AuthToken.objects.filter(user=charlie).values_list("token_key", flat=True)) == [
        new_key[:15]
    ]
    assert not UserSession.objects.filter(user=charlie).exists()
    for key in old_keys:
        assert _token_client(key).get("/api/v1/users/me/").status_code == 401
    assert _token_client(new_key).get("/api/v1/users/me/").status_code == 200
    assert browser.get("/portal/").status_code == 302  # signed out
    charlie.refresh_from_db()
    assert charlie.check_password(NEW_PASSWORD) and not charlie.check_password(PASSWORD)


def test_a_password_change_in_the_browser_keeps_that_session_only(bob):
    key = _obtain("bob")
    here, elsewhere = _signed_in(bob), _signed_in(bob)
    assert UserSession.objects.filter(user=bob).count() == 2
    response = here.post(
        "/api/v1/users/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert UserSession.objects.filter(user=bob).count() == 1
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert _token_client(key).get("/api/v1/users/me/").status_code == 401
    assert _token_client(response.json()["token"]).get("/api/v1/users/me/").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"old_password": "wrong-password", "new_password": NEW_PASSWORD}, "old_password"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "password123"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "73194620581734"}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "old_password"),
        ({"old_password": PASSWORD}, "new_password"),
    ],
)
def test_a_refused_password_change_names_the_field_and_changes_nothing(bob, body, field):
    key = _obtain("bob")
    browser = _signed_in(bob)
    response = _token_client(key).post("/api/v1/users/me/password/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)
    assert AuthToken.objects.filter(user=bob).count() == 1
    assert UserSession.objects.filter(user=bob).count() == 1
    assert browser.get("/").status_code == 200


# --- a reset and a deactivation end them too --------------------------------------------------


def _assert_signed_out_everywhere(user, key: str, browser: Client) -> None:
    """No token row and no session row of the user is left, and neither door lets them in."""
    assert not AuthToken.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert _token_client(key).get("/api/v1/users/me/").status_code == 401
    assert browser.get("/portal/").status_code == 302


def test_a_password_reset_ends_every_session_and_token(charlie):
    key = _obtain("charlie")
    browser = _signed_in(charlie)
    uid = urlsafe_base64_encode(force_bytes(charlie.pk))
    link = reverse(
        "password_reset_confirm", args=[uid, default_token_generator.make_token(charlie)]
    )
    stranger = Client()
    form = stranger.get(link)
    assert form.status_code == 302
    response = stranger.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    _assert_signed_out_everywhere(charlie, key, browser)


def test_a_deactivation_in_the_django_admin_ends_every_session_and_token(charlie):
    key, browser = _obtain("charlie"), _signed_in(charlie)
    admin = _signed_in(AdminFactory(username="root", is_superuser=True))
    data = change_form_data(admin, charlie)
    data.pop("is_active", None)
    response = admin.post(f"/admin/accounts/user/{charlie.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    charlie.refresh_from_db()
    assert not charlie.is_active
    _assert_signed_out_everywhere(charlie, key, browser)


def test_a_password_set_in_the_django_admin_ends_every_session_and_token(charlie):
    key, browser = _obtain("charlie"), _signed_in(charlie)
    admin = _signed_in(AdminFactory(username="root", is_superuser=True))
    response = admin.post(
        f"/admin/accounts/user/{charlie.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    _assert_signed_out_everywhere(charlie, key, browser)
    assert admin.get("/admin/").status_code == 200  # the admin's own session is untouched
