"""The users of an exited partner are refused at every door, generated over every URL of the
matrix: each page answers a 403 page that says the partnership has ended, each API endpoint a
403 with the reason, whether signed in by the browser session or by an API token; the public
pages never fail."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import token_create
from apps.partners.models import Partner, Stage
from tests.factories import PASSWORD

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

REFUSED_AREAS = ("login", "staff", "admin", "portal", "api")


@pytest.fixture
def exited(world):
    Partner.objects.filter(pk=world["partner"].pk).update(stage=Stage.EXITED)
    return world["partner"].users.get()  # charlie


def _send(client, name, url):
    return getattr(client, MATRIX[name][2])(url)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e[0] in REFUSED_AREAS))
def test_every_door_refuses_an_exited_partners_user(name, world, exited, client_for):
    url = url_for(name, world)
    by_session = _send(client_for(exited), name, url)
    assert by_session.status_code == 403, (name, by_session.status_code)
    if MATRIX[name][0] == "api":
        assert "partnership has ended" in by_session.json()["detail"], name
        token = token_create(exited)
        by_token = _send(APIClient(HTTP_AUTHORIZATION=f"Token {token}"), name, url)
        assert by_token.status_code == 403, (name, by_token.status_code)
        assert "partnership has ended" in by_token.json()["detail"], name
    else:
        assert b"The partnership has ended" in by_session.content, name


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e[0] == "public"))
def test_the_public_pages_never_fail_an_exited_partners_user(name, world, exited, client_for):
    response = _send(client_for(exited), name, url_for(name, world))
    assert response.status_code < 500, (name, response.status_code)


def test_an_exited_partners_user_gets_no_token_and_can_log_out(world, exited, client_for):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": exited.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "partnership has ended" in response.json()["detail"]
    assert not exited.auth_token_set.exists()
    client = client_for(exited)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_same_users_are_let_in_while_the_partner_is_active(world, client_for):
    charlie = world["partner"].users.get()
    assert client_for(charlie).get("/notifications/").status_code == 200
    token = token_create(charlie)
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/tiers/").status_code == 200
