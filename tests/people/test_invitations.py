"""The invitation lifecycle (issue 18): create, e-mailed once, accept, reuse refused, expiry at 7
days, resend kills the old link, revoke; a partner admin invites into their own company only, and
nobody is invited as staff."""

from __future__ import annotations

import datetime

import pytest

from apps.accounts.models import PartnerRole, Role
from apps.accounts.services import user_create
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.partners.models import Stage
from apps.people.models import Contact, Invitation, InvitationStatus
from apps.people.services import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from tests.factories import PASSWORD, PartnerFactory, PartnerUserFactory

from .conftest import delivered_links

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def invite(partner, by, email="ivy@acme.example", role=PartnerRole.MEMBER, **kwargs):
    return invitation_create(
        partner=partner, email=email, partner_role=role, invited_by=by, now=NOW, **kwargs
    )


def test_it_emails_a_single_use_link_once_and_accepting_makes_a_partner_user(acme, bob):
    invitation = invite(acme, bob, email="Ivy@Acme.example", role=PartnerRole.FINANCE)
    assert invitation.email == "ivy@acme.example"
    assert invitation.expires_at == NOW + datetime.timedelta(days=7)
    assert delivered_links() == [("ivy@acme.example", invitation.token)]
    assert delivered_links() == []  # the outbox sends it once

    user = invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)
    user.refresh_from_db()
    assert (user.role, user.partner, user.partner_role) == (Role.PARTNER, acme, "finance")
    assert user.email == "ivy@acme.example"
    assert user.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_user == user

    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=invitation.token, username="ivy2", password=PASSWORD, now=NOW)
    assert "used already" in str(refused.value.errors["token"][0])


def test_it_expires_after_seven_days(acme, bob):
    invitation = invite(acme, bob)
    week = NOW + datetime.timedelta(days=7)
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=week)
    assert "expired" in str(refused.value.errors["token"][0])
    user = invitation_accept(
        token=invitation.token,
        username="ivy",
        password=PASSWORD,
        now=week - datetime.timedelta(seconds=1),
    )
    assert user.partner == acme


def test_resend_sends_a_new_link_and_the_old_one_is_dead(acme, bob):
    invitation = invite(acme, bob)
    old = invitation.token
    later = NOW + datetime.timedelta(days=6)
    again = invitation_resend(invitation=invitation, actor=bob, now=later)
    assert again.token != old
    assert again.expires_at == later + datetime.timedelta(days=7)
    assert sorted(token for _, token in delivered_links()) == sorted([old, again.token])
    with pytest.raises(InvalidInput):
        invitation_accept(token=old, username="ivy", password=PASSWORD, now=later)
    user = invitation_accept(
        token=again.token,
        username="ivy",
        password=PASSWORD,
        now=later + datetime.timedelta(days=6),
    )
    assert user.partner == acme


def test_revoked_link_is_refused_and_revoking_twice_is_a_conflict(acme, bob):
    invitation = invite(acme, bob)
    invitation_revoke(invitation=invitation, actor=bob, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)
    assert "withdrawn" in str(refused.value.errors["token"][0])
    with pytest.raises(DomainError):
        invitation_revoke(invitation=invitation, actor=bob, now=NOW)
    with pytest.raises(DomainError):
        invitation_resend(invitation=invitation, actor=bob, now=NOW)


def test_an_unknown_token_is_refused(db):
    with pytest.raises(InvalidInput):
        invitation_accept(token="nope", username="ivy", password=PASSWORD, now=NOW)


def test_a_weak_password_or_taken_username_creates_nothing_and_the_link_still_works(acme, bob):
    invitation = invite(acme, bob)
    PartnerUserFactory(username="taken", partner=acme)
    with pytest.raises(InvalidInput) as refused:
        invitation_accept(token=invitation.token, username="taken", password="123", now=NOW)
    assert set(refused.value.errors) == {"username", "password"}
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)


def test_a_partner_admin_invites_into_their_own_company_whatever_partner_they_name(
    acme, globex, acme_admin
):
    invitation = invite(globex, acme_admin)
    assert invitation.partner == acme
    user = invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)
    assert user.partner == acme
    assert user.role == Role.PARTNER


def test_nobody_is_invited_as_staff(acme, alice):
    with pytest.raises(InvalidInput) as refused:
        invite(acme, alice, role=Role.ADMIN.value + "x")
    assert "partner_role" in refused.value.errors
    with pytest.raises(InvalidInput):
        invite(acme, alice, role=Role.MANAGER)


def test_members_and_finance_do_not_invite_nor_manage_invitations(acme, bob, acme_member):
    finance = PartnerUserFactory(partner=acme, partner_role=PartnerRole.FINANCE)
    for user in (acme_member, finance):
        with pytest.raises(NotPermitted):
            invite(acme, user)
    invitation = invite(acme, bob)
    with pytest.raises(NotPermitted):
        invitation_revoke(invitation=invitation, actor=acme_member, now=NOW)


def test_another_companys_admin_cannot_resend_or_revoke(acme, globex, bob):
    invitation = invite(acme, bob)
    globex_admin = PartnerUserFactory(partner=globex, partner_role=PartnerRole.ADMIN)
    with pytest.raises(NotPermitted):
        invitation_resend(invitation=invitation, actor=globex_admin, now=NOW)
    with pytest.raises(NotPermitted):
        invitation_revoke(invitation=invitation, actor=globex_admin, now=NOW)


def test_a_second_open_invitation_for_the_same_address_is_refused_but_an_expired_one_is_replaced(
    acme, bob
):
    first = invite(acme, bob)
    with pytest.raises(InvalidInput) as refused:
        invite(acme, bob, email="IVY@acme.example")
    assert "email" in refused.value.errors
    later = NOW + datetime.timedelta(days=8)
    second = invitation_create(
        partner=acme, email="ivy@acme.example", partner_role="member", invited_by=bob, now=later
    )
    first.refresh_from_db()
    assert first.status == InvitationStatus.REVOKED
    assert second.state(later) == InvitationStatus.PENDING


def test_accepting_links_the_contact(acme, bob):
    contact = Contact.objects.create(partner=acme, name="Ivy Green", email="other@acme.example")
    invitation = invite(acme, bob, contact=contact)
    user = invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)
    contact.refresh_from_db()
    assert contact.user == user


def test_accepting_links_the_contact_with_the_same_address_when_none_was_named(acme, bob):
    contact = Contact.objects.create(partner=acme, name="Ivy Green", email="IVY@acme.example")
    invitation = invite(acme, bob)
    user = invitation_accept(token=invitation.token, username="ivy", password=PASSWORD, now=NOW)
    contact.refresh_from_db()
    assert contact.user == user


def test_a_contact_of_another_company_is_refused(acme, globex, bob):
    contact = Contact.objects.create(partner=globex, name="Gus", email="gus@globex.example")
    with pytest.raises(InvalidInput) as refused:
        invite(acme, bob, contact=contact)
    assert "contact" in refused.value.errors
    assert not Invitation.objects.exists()


def test_an_exited_partner_is_not_invited_to(bob):
    exited = PartnerFactory(stage=Stage.EXITED)
    with pytest.raises(DomainError):
        invite(exited, bob)


def test_first_portal_user_of_a_company_is_its_admin_the_next_a_member(globex):
    first = user_create(
        username="first", email="", password=PASSWORD, role=Role.PARTNER, partner=globex
    )
    second = user_create(
        username="second", email="", password=PASSWORD, role=Role.PARTNER, partner=globex
    )
    assert (first.partner_role, second.partner_role) == ("admin", "member")
