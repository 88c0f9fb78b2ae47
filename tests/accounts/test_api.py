from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_good_credentials(bob):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "bob", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/users/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "bob"


def test_it_refuses_a_token_for_bad_credentials(bob):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "bob", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_describes_me(api_for, charlie, acme, alice):
    body = api_for(charlie).get("/api/v1/users/me/").json()
    assert body == {
        "id": charlie.pk,
        "username": "charlie",
        "email": charlie.email,
        "role": "partner",
        "partner": acme.pk,
        "partner_role": "admin",
    }
    assert api_for(alice).get("/api/v1/users/me/").json()["role"] == "admin"


def test_it_requires_authentication(api_for):
    assert api_for().get("/api/v1/users/me/").status_code == 401
    assert api_for().get("/api/v1/notifications/").status_code == 401


def test_it_lets_admins_create_users(api_for, alice, acme):
    response = api_for(alice).post(
        "/api/v1/users/",
        {
            "username": "erin",
            "email": "erin@example.com",
            "password": "a-long-enough-pass",
            "role": "partner",
            "partner": acme.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "password" not in response.json()
    erin = User.objects.get(username="erin")
    assert erin.partner == acme and erin.is_partner_user
    assert erin.check_password("a-long-enough-pass")


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_it_forbids_others_to_create_users(api_for, who, request, acme):
    user = request.getfixturevalue(who)
    response = api_for(user).post(
        "/api/v1/users/",
        {"username": "x", "password": "a-long-enough-pass", "role": "manager"},
        format="json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"role": "wizard"}, "role"),
        ({"role": "partner"}, "partner"),
        ({"role": "manager", "partner": "ACME"}, "partner"),
        ({"role": "manager", "password": "123"}, "password"),
        ({"role": "manager", "username": "bad name!"}, "username"),
        ({"role": "manager", "username": "x" * 151}, "username"),
        ({"role": "manager", "email": "not-an-email"}, "email"),
    ],
)
def test_it_refuses_bad_users(api_for, alice, acme, payload, field):
    data = {"username": "newbie", "password": "a-long-enough-pass", **payload}
    if data.get("partner") == "ACME":
        data["partner"] = acme.pk
    response = api_for(alice).post("/api/v1/users/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(username=data["username"]).exists()


def test_it_refuses_a_duplicate_username(api_for, alice, bob):
    response = api_for(alice).post(
        "/api/v1/users/",
        {"username": "BOB", "password": "a-long-enough-pass", "role": "manager"},
        format="json",
    )
    assert response.status_code == 400
    assert "username" in response.json()


def test_it_answers_malformed_json_with_400(alice):
    c = APIClient()
    c.force_authenticate(alice)
    response = c.generic("POST", "/api/v1/users/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_token_endpoint_locks_a_username_out_like_the_login_page(bob, settings):
    """Guessing a password through the API is the same attack as through the login page: after
    AXES_FAILURE_LIMIT failures even the right password gets no token, and the answer says why."""
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        refused = api.post(
            "/api/v1/auth/token/", {"username": "bob", "password": "nope"}, format="json"
        )
        assert refused.status_code == 400
    locked = api.post(
        "/api/v1/auth/token/", {"username": "bob", "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 403
    assert "token" not in locked.json()
    assert "too many failed" in locked.json()["detail"].lower()


def test_the_token_endpoint_is_throttled_per_address(bob, settings, monkeypatch):
    """Spraying many usernames from one address (which a per-username lockout does not see) is
    slowed by the anonymous rate."""
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(
        AnonRateThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"},
    )
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    cache.delete_many(["throttle_anon_203.0.113.9"])
    answers = [
        api.post("/api/v1/auth/token/", {"username": f"user{n}", "password": "x"}, format="json")
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert "throttled" in answers[-1].json()["detail"]
