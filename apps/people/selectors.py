"""Reads on the people at a partner: contacts, portal users and invitations together."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db.models import QuerySet

from apps.accounts.models import Role, User

from .models import Contact, Invitation, InvitationStatus


def contacts_of(partner) -> QuerySet[Contact]:
    return Contact.objects.filter(partner=partner).select_related("user").order_by("name", "id")


def visible_contacts(user) -> QuerySet[Contact]:
    """Staff: every partner's contacts; a partner admin: their own company's; others none."""
    contacts = Contact.objects.select_related("user").order_by("name", "id")
    if user.is_staff_role:
        return contacts
    if user.is_partner_admin:
        return contacts.filter(partner_id=user.partner_id)
    return contacts.none()


def visible_invitations(user) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("partner", "invited_by", "contact")
    if user.is_staff_role:
        return invitations
    if user.is_partner_admin:
        return invitations.filter(partner_id=user.partner_id)
    return invitations.none()


def pending_invitations(partner, now: datetime.datetime) -> QuerySet[Invitation]:
    """The invitations still waiting for an answer (not expired), newest first."""
    return (
        Invitation.objects.filter(
            partner=partner, status=InvitationStatus.PENDING, expires_at__gt=now
        )
        .select_related("invited_by", "contact")
        .order_by("-created_at", "-id")
    )


def invitation_by_token(token_digest: str) -> Invitation | None:
    return Invitation.objects.select_related("partner").filter(token_digest=token_digest).first()


@dataclass
class Person:
    """One row of a partner's People: a contact, a portal user, or both (linked)."""

    contact: Contact | None
    user: User | None

    @property
    def name(self) -> str:
        if self.contact is not None:
            return self.contact.name
        user = cast(User, self.user)  # a person is a contact, a user, or both
        return user.get_full_name() or user.username

    @property
    def email(self) -> str:
        return self.contact.email if self.contact is not None else cast(User, self.user).email

    @property
    def has_portal_access(self) -> bool:
        return self.user is not None and self.user.is_active


def people_of(partner) -> list[Person]:
    """Contacts and portal users together, each person once (two queries)."""
    contacts = list(contacts_of(partner))
    linked = {c.user_id for c in contacts if c.user_id}
    users = User.objects.filter(partner=partner, role=Role.PARTNER).order_by("username", "pk")
    people = [Person(contact=c, user=c.user) for c in contacts]
    people += [Person(contact=None, user=u) for u in users if u.pk not in linked]
    return sorted(people, key=lambda p: p.name.lower())
