from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def test_it_sends_managers_and_admins_to_the_main_app(client, alice, bob):
    for user in (alice, bob):
        c = Client()
        response = _login(c, user.username)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert c.get("/").status_code == 200


def test_it_sends_partner_users_to_the_portal(charlie):
    c = Client()
    response = _login(c, "charlie")
    assert response["Location"] == "/portal/"
    page = c.get("/portal/")
    assert page.status_code == 200
    assert b"Acme Resellers" in page.content


def test_it_ignores_a_next_into_the_main_app_for_partner_users(charlie):
    response = _login(Client(), "charlie", next_url="/notifications/")
    # notifications are shared; a main-app page is not
    assert response["Location"] == "/notifications/"
    response = _login(Client(), "charlie", next_url="/")
    assert response["Location"] == "/portal/"


def test_it_refuses_bad_credentials_with_a_message(client, bob):
    response = _login(client, "bob", "wrong-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_repeated_failures(client, bob):
    for _ in range(5):
        _login(client, "bob", "wrong-password")
    response = _login(client, "bob")  # even the right password is refused now
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_logs_out(client_for, bob):
    c = client_for(bob)
    assert c.get("/").status_code == 200
    response = c.post("/accounts/logout/")
    assert response.status_code == 302
    assert c.get("/")["Location"].startswith("/accounts/login/")


def test_it_emails_a_password_reset_link(client, bob):
    response = client.post("/accounts/password-reset/", {"email": bob.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    # an unknown address looks the same and sends nothing
    client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert len(mail.outbox) == 1


def test_it_keeps_anonymous_users_on_the_login_page(client):
    for url in ["/", "/portal/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
