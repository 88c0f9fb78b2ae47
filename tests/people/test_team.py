"""A partner admin's team: the portal's Team page and /api/v1/users/ — invite, change a
colleague's role, deactivate (sessions and tokens end in the same request), never another
company's users nor the company's last admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.accounts.models import PartnerRole, User, UserSession
from apps.people.models import Invitation
from apps.people.services import access_revocation_plan
from tests.factories import PASSWORD, PartnerUserFactory

pytestmark = pytest.mark.django_db


def _obtain(username: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _browser(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_deactivating_a_colleague_on_the_team_page_ends_their_sessions_and_tokens_at_once(
    acme_admin, acme_member
):
    key, browser = _obtain("frank"), _browser("frank")
    assert browser.get("/portal/").status_code == 200
    admin = _browser("erin")
    confirmed = {"confirmed": access_revocation_plan(user=acme_member).fingerprint}
    response = admin.post(reverse("portal:team_deactivate", args=[acme_member.pk]), confirmed)
    assert response.status_code == 302
    # Within the same request cycle: the rows are gone as the answer arrives.
    assert not UserSession.objects.filter(user=acme_member).exists()
    assert not AuthToken.objects.filter(user=acme_member).exists()
    assert browser.get("/portal/").status_code == 302  # sent to the login page
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/users/me/").status_code == 401
    acme_member.refresh_from_db()
    assert not acme_member.is_active
    assert admin.get("/portal/").status_code == 200  # the admin's own session stays


def test_deactivating_by_the_api_ends_sessions_and_tokens(acme_admin, acme_member, api_for):
    key, browser = _obtain("frank"), _browser("frank")
    response = api_for(acme_admin).patch(
        f"/api/v1/users/{acme_member.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/users/me/").status_code == 401
    assert browser.get("/portal/").status_code == 302


def test_the_last_partner_admin_is_neither_demoted_nor_deactivated(
    acme_admin, acme_member, api_for
):
    client = api_for(acme_admin)
    url = f"/api/v1/users/{acme_admin.pk}/"
    response = client.patch(url, {"partner_role": "member"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "last_partner_admin"
    assert client.patch(url, {"is_active": False}, format="json").status_code == 409
    acme_admin.refresh_from_db()
    assert acme_admin.is_active and acme_admin.partner_role == "admin"
    # With a second admin, the first may step down.
    response = client.patch(
        f"/api/v1/users/{acme_member.pk}/", {"partner_role": "admin"}, format="json"
    )
    assert response.status_code == 200
    assert client.patch(url, {"partner_role": "finance"}, format="json").status_code == 200


def test_a_partner_admin_never_touches_another_companys_users(acme_admin, globex, api_for):
    gus = PartnerUserFactory(username="gus", partner=globex, partner_role=PartnerRole.MEMBER)
    client = api_for(acme_admin)
    assert client.get(f"/api/v1/users/{gus.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/users/{gus.pk}/", {"is_active": False}, format="json").status_code
        == 404
    )
    page = Client()
    page.force_login(acme_admin)
    assert page.post(reverse("portal:team_deactivate", args=[gus.pk])).status_code == 404
    assert (
        page.post(reverse("portal:team_role", args=[gus.pk]), {"partner_role": "admin"}).status_code
        == 404
    )
    gus.refresh_from_db()
    assert gus.is_active and gus.partner_role == "member"
    listed = client.get("/api/v1/users/").json()
    assert {row["username"] for row in listed["results"]} == {"erin"}


def test_nobody_is_raised_to_staff_through_the_team(acme_admin, acme_member, api_for):
    response = api_for(acme_admin).patch(
        f"/api/v1/users/{acme_member.pk}/",
        {"role": "admin", "partner_role": "finance", "partner": None, "is_staff": True},
        format="json",
    )
    assert response.status_code == 200
    acme_member.refresh_from_db()
    assert (acme_member.role, acme_member.partner_role, acme_member.is_staff) == (
        "partner",
        "finance",
        False,
    )
    response = api_for(acme_admin).patch(
        f"/api/v1/users/{acme_member.pk}/", {"partner_role": "manager"}, format="json"
    )
    assert response.status_code == 400 and "partner_role" in response.json()


def test_the_team_page_changes_a_role_and_invites(acme_admin, acme_member, mailoutbox):
    client = Client()
    client.force_login(acme_admin)
    page = client.get(reverse("portal:team"))
    assert page.status_code == 200
    assert b"frank" in page.content
    response = client.post(
        reverse("portal:team_role", args=[acme_member.pk]), {"partner_role": "finance"}
    )
    assert response.status_code == 302
    acme_member.refresh_from_db()
    assert acme_member.partner_role == "finance"
    response = client.post(
        reverse("portal:team_invite"),
        {"email": "ivy@acme.example", "partner_role": "member", "contact": ""},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.partner, invitation.invited_by) == (acme_admin.partner, acme_admin)
    assert b"ivy@acme.example" in client.get(reverse("portal:team")).content


def test_users_post_defaults_the_partner_role(alice, globex, api_for):
    client = api_for(alice)
    body = {"username": "first", "password": PASSWORD, "role": "partner", "partner": globex.pk}
    first = client.post("/api/v1/users/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["partner_role"] == "admin"
    second = client.post("/api/v1/users/", {**body, "username": "second"}, format="json")
    assert second.json()["partner_role"] == "member"
    third = client.post(
        "/api/v1/users/", {**body, "username": "third", "partner_role": "finance"}, format="json"
    )
    assert third.json()["partner_role"] == "finance"
    staff = client.post(
        "/api/v1/users/",
        {"username": "mgr", "password": PASSWORD, "role": "manager", "partner_role": "admin"},
        format="json",
    )
    assert staff.status_code == 400 and "partner_role" in staff.json()
    assert User.objects.get(username="first").partner_role == "admin"


@pytest.mark.parametrize("rows", [2, 50])
def test_the_user_list_reads_a_constant_number_of_queries(
    rows, acme, acme_admin, api_for, django_assert_max_num_queries
):
    for i in range(rows - 1):
        PartnerUserFactory(username=f"u{i:03d}", partner=acme, partner_role="member")
    client = api_for(acme_admin)
    # session/auth is forced; count, page of users with their partner
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/users/?page_size=200")
    assert response.json()["count"] == rows


def test_a_manager_deactivates_a_partner_user_from_the_people_section(bob, acme_admin, acme_member):
    key, browser = _obtain("frank"), _browser("frank")
    manager = Client()
    manager.force_login(bob)
    page = manager.get(reverse("partners:detail", args=[acme_member.partner_id]))
    deactivate = reverse("people:user_deactivate", args=[acme_member.pk])
    assert deactivate in page.content.decode()
    response = manager.post(
        deactivate, {"confirmed": access_revocation_plan(user=acme_member).fingerprint}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#people")
    assert not UserSession.objects.filter(user=acme_member).exists()
    assert not AuthToken.objects.filter(user=acme_member).exists()
    assert browser.get("/portal/").status_code == 302
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/users/me/").status_code == 401
    # The company's last admin is kept, with the reason shown.
    refused = manager.post(reverse("people:user_deactivate", args=[acme_admin.pk]), follow=True)
    acme_admin.refresh_from_db()
    assert acme_admin.is_active
    assert "admin" in refused.content.decode().lower()
    # A partner user cannot use the manager's button, even on their own company: sent to the
    # portal, nobody deactivated.
    colleague = PartnerUserFactory(partner=acme_admin.partner, partner_role=PartnerRole.MEMBER)
    erin = _browser("erin")
    answer = erin.post(reverse("people:user_deactivate", args=[colleague.pk]))
    assert (answer.status_code, answer["Location"]) == (302, reverse("portal:home"))
    colleague.refresh_from_db()
    assert colleague.is_active
