"""The contacts and invitations API (DESIGN.md section 13)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.people.models import Contact, Invitation
from apps.people.services import invitation_create
from tests.factories import PASSWORD

from .conftest import delivered_links

pytestmark = pytest.mark.django_db


def test_a_manager_invites_and_the_invitee_accepts_anonymously_for_a_token(acme, bob, api_for):
    response = api_for(bob).post(
        "/api/v1/invitations/",
        {"email": "ivy@acme.example", "partner": acme.pk, "partner_role": "finance"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    [(address, token)] = delivered_links()
    assert address == "ivy@acme.example"
    accepted = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "ivy", "password": PASSWORD},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content
    me = APIClient(HTTP_AUTHORIZATION=f"Token {accepted.json()['token']}").get("/api/v1/users/me/")
    assert me.json()["partner_role"] == "finance"
    assert me.json()["partner"] == acme.pk
    again = APIClient().post(
        "/api/v1/invitations/accept/",
        {"token": token, "username": "ivy2", "password": PASSWORD},
        format="json",
    )
    assert again.status_code == 400 and "token" in again.json()


def test_a_partner_admins_invitation_goes_to_their_own_company(acme_admin, globex, api_for):
    response = api_for(acme_admin).post(
        "/api/v1/invitations/",
        {"email": "ivy@acme.example", "partner": globex.pk, "partner_role": "member"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Invitation.objects.get().partner == acme_admin.partner


def test_members_and_finance_get_403_on_people(acme_member, acme_finance, acme, api_for):
    for user in (acme_member, acme_finance):
        client = api_for(user)
        assert client.get("/api/v1/invitations/").status_code == 403
        assert client.get(f"/api/v1/partners/{acme.pk}/contacts/").status_code == 403
        assert client.get("/api/v1/users/").status_code == 403


def test_resend_and_revoke(acme, bob, api_for):
    invitation = invitation_create(
        partner=acme, email="ivy@acme.example", partner_role="member", invited_by=bob
    )
    client = api_for(bob)
    resent = client.post(f"/api/v1/invitations/{invitation.pk}/resend/")
    assert resent.status_code == 200
    revoked = client.post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke/").status_code == 409


def test_contacts_crud_within_the_own_company(acme_admin, acme, globex, api_for):
    client = api_for(acme_admin)
    created = client.post(
        f"/api/v1/partners/{acme.pk}/contacts/",
        {"name": "Nancy", "email": "NANCY@acme.example", "roles": ["sales", "primary"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["email"] == "nancy@acme.example"
    assert (
        client.patch(f"/api/v1/contacts/{pk}/", {"title": "CEO"}, format="json").json()["title"]
        == "CEO"
    )
    bad = client.post(
        f"/api/v1/partners/{acme.pk}/contacts/", {"name": "X", "roles": ["boss"]}, format="json"
    )
    assert bad.status_code == 400 and "roles" in bad.json()
    dup = client.post(
        f"/api/v1/partners/{acme.pk}/contacts/",
        {"name": "N2", "email": "nancy@acme.example"},
        format="json",
    )
    assert dup.status_code == 400 and "email" in dup.json()
    theirs = Contact.objects.create(partner=globex, name="Gus")
    assert client.get(f"/api/v1/partners/{globex.pk}/contacts/").status_code == 404
    assert client.get(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/partners/{globex.pk}/contacts/", {"name": "Y"}, format="json"
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/contacts/{pk}/").status_code == 204
    assert not Contact.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_contact_and_invitation_lists_read_a_constant_number_of_queries(
    rows, acme, bob, api_for, django_assert_max_num_queries
):
    for i in range(rows):
        Contact.objects.create(partner=acme, name=f"Contact {i:03d}", email=f"c{i}@acme.example")
        invitation_create(
            partner=acme, email=f"i{i}@acme.example", partner_role="member", invited_by=bob
        )
    client = api_for(bob)
    # the partner, the count, the page of contacts (with their users)
    with django_assert_max_num_queries(3):
        contacts = client.get(f"/api/v1/partners/{acme.pk}/contacts/?page_size=200")
    assert contacts.json()["count"] == rows
    # the count, the page of invitations (with partner, inviter, contact)
    with django_assert_max_num_queries(2):
        invitations = client.get("/api/v1/invitations/?page_size=200")
    assert invitations.json()["count"] == rows
