"""The manager's People section and pages, the invitee's page, the contacts CSV."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.people.models import Contact, Invitation
from apps.people.services import invitation_create, invitation_revoke
from tests.factories import PASSWORD, PartnerUserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_partner_page_shows_contacts_and_users_together(acme, bob):
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    Contact.objects.create(partner=acme, name="Charlie Brown", email="c@acme.example", user=charlie)
    Contact.objects.create(partner=acme, name="Nancy Davolio", roles=["sales"])
    PartnerUserFactory(username="lucy", partner=acme, partner_role="finance")
    invitation_create(partner=acme, email="ivy@acme.example", partner_role="member", invited_by=bob)
    body = _client(bob).get(reverse("partners:detail", args=[acme.pk])).content.decode()
    assert 'id="people"' in body
    for text in (
        "Charlie Brown",
        "Nancy Davolio",
        "lucy",
        "Finance",
        "no access",
        "ivy@acme.example",
    ):
        assert text in body, text


@pytest.mark.parametrize("rows", [2, 50])
def test_the_people_section_reads_a_constant_number_of_queries(
    rows, acme, bob, django_assert_max_num_queries
):
    for i in range(rows):
        user = PartnerUserFactory(username=f"u{i:03d}", partner=acme)
        Contact.objects.create(partner=acme, name=f"C {i:03d}", user=user if i % 2 else None)
        invitation_create(
            partner=acme, email=f"i{i}@acme.example", partner_role="member", invited_by=bob
        )
    from apps.people.sections import partner_detail

    # contacts with users, the users, the pending invitations with inviter and contact
    with django_assert_max_num_queries(3):
        _template, ctx = partner_detail(None, acme)
    assert len(ctx["invitations"]) == rows


def test_a_manager_adds_and_edits_a_contact(acme, bob):
    client = _client(bob)
    response = client.post(
        reverse("people:contact_new", args=[acme.pk]),
        {"name": "Nancy", "email": "nancy@acme.example", "roles": ["sales", "primary"]},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.roles == ["sales", "primary"]
    response = client.post(
        reverse("people:contact_edit", args=[contact.pk]),
        {"name": "Nancy D.", "roles": ["finance"]},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.roles) == ("Nancy D.", ["finance"])
    response = client.post(reverse("people:contact_new", args=[acme.pk]), {"name": ""})
    assert response.status_code == 400


def test_the_invitation_page_signs_the_invitee_in_and_lands_in_the_portal(acme, bob):
    invitation = invitation_create(
        partner=acme, email="ivy@acme.example", partner_role="member", invited_by=bob
    )
    url = reverse("invitation_accept", args=[invitation.token])
    client = Client()
    assert client.get(url).status_code == 200
    weak = client.post(url, {"username": "ivy", "password1": "123", "password2": "123"})
    assert weak.status_code == 400
    response = client.post(url, {"username": "ivy", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    used = Client().get(url)
    assert used.status_code == 410
    assert b"used already" in used.content


def test_an_expired_revoked_or_unknown_link_answers_a_clear_page(acme, bob):
    old = invitation_create(
        partner=acme,
        email="old@acme.example",
        partner_role="member",
        invited_by=bob,
        now=timezone.now() - datetime.timedelta(days=8),
    )
    revoked = invitation_create(
        partner=acme, email="rev@acme.example", partner_role="member", invited_by=bob
    )
    invitation_revoke(invitation=revoked, actor=bob)
    for token, words in (
        (old.token, b"expired"),
        (revoked.token, b"withdrawn"),
        ("x" * 43, b"not valid"),
    ):
        url = reverse("invitation_accept", args=[token])
        for response in (
            Client().get(url),
            Client().post(url, {"username": "z", "password1": PASSWORD, "password2": PASSWORD}),
        ):
            assert response.status_code == 410
            assert words in response.content
    assert Invitation.objects.filter(status="accepted").count() == 0


def test_the_contacts_csv_export_and_import(acme, globex, bob, alice):
    Contact.objects.create(partner=acme, name="Nancy", email="nancy@acme.example", roles=["sales"])
    Contact.objects.create(partner=globex, name="Gus", email="gus@globex.example")
    client = _client(bob)
    body = b"".join(client.get(reverse("exchange:contacts_csv") + f"?partner={acme.pk}")).decode()
    assert "Nancy" in body and "Gus" not in body
    assert "sales" in body
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "partner,name,email,phone,title,roles,notes\n"
        f"{acme.name},Andrew Fuller,andrew@acme.example,,VP,executive;sales,\n"
        f"{globex.name},Janet,janet@globex.example,,,,\n"
    )
    upload = client.post(
        reverse("exchange:upload"),
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", csv.encode(), "text/csv")},
    )
    assert upload.status_code == 302
    assert not Contact.objects.filter(name="Andrew Fuller").exists()  # a preview only
    confirm = client.post(upload["Location"] + "confirm/")
    assert confirm.status_code == 302
    andrew = Contact.objects.get(name="Andrew Fuller")
    assert andrew.roles == ["executive", "sales"] and andrew.partner == acme
    bad = (
        "partner,name,email,phone,title,roles,notes\n"
        + f"{acme.name},Bad,,,,boss,\n"
        + f"{acme.name},Fine,,,,,\n"
    )
    upload = client.post(
        reverse("exchange:upload"),
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", bad.encode(), "text/csv")},
    )
    client.post(upload["Location"] + "confirm/")
    assert not Contact.objects.filter(name="Fine").exists()  # all or nothing


def test_a_partner_admin_exports_their_own_contacts_only(acme, globex):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    Contact.objects.create(partner=acme, name="Nancy")
    Contact.objects.create(partner=globex, name="Gus")
    body = b"".join(_client(admin).get(reverse("portal:team_contacts_csv"))).decode()
    assert "Nancy" in body and "Gus" not in body
