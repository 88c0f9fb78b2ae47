"""The people at a partner (DESIGN.md section 13): contacts, whether or not they use the portal,
and invitations that give one of them a portal user."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import PartnerRole
from apps.core.ids import RandomIdModel

INVITATION_VALID_FOR = datetime.timedelta(days=7)


class ContactRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    MARKETING = "marketing", _("Marketing")
    FINANCE = "finance", _("Finance")
    EXECUTIVE = "executive", _("Executive")


class Contact(RandomIdModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    roles = ArrayField(
        models.CharField(max_length=16, choices=ContactRole.choices),
        default=list,
        blank=True,
        verbose_name=_("roles"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The portal user who is this person, once they have one.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "partner",
                Lower("email"),
                name="contact_email_once_per_partner",
                condition=~models.Q(email=""),
            )
        ]

    def __str__(self) -> str:
        return self.name


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")  # shown, never stored: a pending one past its expiry


def token_digest(token: str) -> str:
    """Only the digest of a link's token is stored: the database alone opens no invitation."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(RandomIdModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    partner_role = models.CharField(
        _("partner role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.MEMBER
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    status = models.CharField(
        max_length=16,
        choices=[c for c in InvitationStatus.choices if c[0] != InvitationStatus.EXPIRED],
        default=InvitationStatus.PENDING,
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    sent_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and company: a second is a resend.
            models.UniqueConstraint(
                "partner",
                Lower("email"),
                name="invitation_pending_once_per_partner",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return self.email

    def state(self, now: datetime.datetime) -> str:
        """What the link does now: pending, accepted, revoked or expired."""
        if self.status == InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status

    def get_status_display_at(self, now: datetime.datetime) -> str:
        return str(InvitationStatus(self.state(now)).label)
