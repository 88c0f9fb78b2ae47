"""Writes on the people at a partner: contacts and invitations (DESIGN.md section 13)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

from apps.accounts.models import PartnerRole, Role, User, UserSession
from apps.accounts.services import _keeps_an_admin as keeps_an_admin  # the rule that refuses
from apps.accounts.services import user_create, user_deactivate
from apps.core.confirmations import PlanChanged, fingerprint
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.events import send_after_commit
from apps.core.formatting import format_datetime
from apps.notifications.services import notify_address

from .events import invitation_accepted
from .models import (
    INVITATION_VALID_FOR,
    Contact,
    ContactRole,
    Invitation,
    InvitationStatus,
    token_digest,
)

StrOrPromise = str | Promise

INVITATION_REFUSALS: dict[str, StrOrPromise] = {
    InvitationStatus.ACCEPTED: gettext_lazy("This invitation was used already: sign in instead."),
    InvitationStatus.REVOKED: gettext_lazy("This invitation was withdrawn. Ask for a new one."),
    InvitationStatus.EXPIRED: gettext_lazy("This invitation has expired. Ask for a new one."),
}

# --- invitations ------------------------------------------------------------------------------


def invitation_link(token: str) -> str:
    return f"/accounts/invitation/{token}/"


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_digest = token_digest(token)
    return token


def _send(invitation: Invitation, token: str) -> None:
    """The e-mail with the link, through the outbox; each link is e-mailed once."""
    partner = invitation.partner
    notify_address(
        email=invitation.email,
        kind="invitation",
        subject=_("You are invited to the %(partner)s partner portal") % {"partner": partner.name},
        body=_(
            "You have been invited to the partner portal of %(partner)s as %(role)s. Open the "
            "link below to choose your username and password. The link works once and expires "
            "on %(expires)s."
        )
        % {
            "partner": partner.name,
            "role": PartnerRole(invitation.partner_role).label,
            "expires": f"{format_datetime(invitation.expires_at)} "
            f"({timezone.get_current_timezone_name()})",
        },
        link=invitation_link(token),
        key=f"invitation:{invitation.pk}:{invitation.token_digest[:16]}",
    )


def _check_inviter(*, invited_by: User, partner) -> None:
    if invited_by.is_staff_role:
        return
    if not invited_by.is_partner_admin or invited_by.partner_id != partner.pk:
        raise NotPermitted(_("Only your company's partner admins invite people."))


def _validate(*, partner, email: str, partner_role: str, contact: Contact | None) -> None:
    errors: dict[str, list[str]] = {}
    if partner_role not in PartnerRole.values:
        errors["partner_role"] = [_("Choose admin, member or finance.")]
    if contact is not None and contact.partner_id != partner.pk:
        errors["contact"] = [_("This contact is not one of the company's contacts.")]
    if User.objects.filter(
        partner=partner, role=Role.PARTNER, is_active=True, email__iexact=email
    ).exists():
        errors["email"] = [_("Someone with this e-mail address already uses the portal.")]
    if errors:
        raise InvalidInput(errors)
    if not partner.has_portal_access:
        raise DomainError(
            _("The partnership has ended: nobody is invited to its portal."),
            code="partner_inactive",
        )


@transaction.atomic
def invitation_create(  # noqa: PLR0913 — the invitation's fields, each named
    *,
    partner,
    email: str,
    partner_role: str,
    invited_by: User,
    contact: Contact | None = None,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Invite `email` to `partner`'s portal with a partner role, and e-mail them the link.

    A partner admin invites into their own company only, whatever `partner` says; nobody is
    invited as staff (the invitee becomes a partner user, with a partner role). The answer carries
    the link's token as `.token` (it is stored only as a digest)."""
    now = now or timezone.now()
    if invited_by.is_partner_user:
        partner = invited_by.partner
    _check_inviter(invited_by=invited_by, partner=partner)
    email = email.strip().lower()
    _validate(partner=partner, email=email, partner_role=partner_role, contact=contact)
    earlier = (
        Invitation.objects.select_for_update()
        .filter(partner=partner, email__iexact=email, status=InvitationStatus.PENDING)
        .first()
    )
    if earlier is not None:
        if earlier.state(now) == InvitationStatus.PENDING:
            raise InvalidInput(
                {"email": [_("This address has an open invitation already: resend it.")]}
            )
        earlier.status, earlier.revoked_at = InvitationStatus.REVOKED, now
        earlier.save(update_fields=["status", "revoked_at"])
    invitation = Invitation(
        partner=partner,
        email=email,
        partner_role=partner_role,
        contact=contact,
        invited_by=invited_by,
        created_at=now,
        sent_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    token = _new_token(invitation)
    invitation.save()
    _send(invitation, token)
    invitation.token = token  # type: ignore[attr-defined]
    return invitation


def _check_manager(*, invitation: Invitation, actor: User) -> None:
    if actor.is_staff_role:
        return
    if not (actor.is_partner_admin and actor.partner_id == invitation.partner_id):
        raise NotPermitted(_("Only your company's partner admins manage its invitations."))


def _locked_pending(invitation: Invitation, now: datetime.datetime) -> Invitation:
    current = Invitation.objects.select_for_update().select_related("partner").get(pk=invitation.pk)
    if current.status != InvitationStatus.PENDING:
        raise DomainError(
            _("This invitation was %(state)s already.")
            % {"state": InvitationStatus(current.status).label.lower()},
            code="transition_not_allowed",
        )
    return current


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, actor: User, now: datetime.datetime | None = None
) -> Invitation:
    """A new link, valid 7 days from now, e-mailed again; the old link is dead at once."""
    now = now or timezone.now()
    _check_manager(invitation=invitation, actor=actor)
    current = _locked_pending(invitation, now)
    if not current.partner.has_portal_access:
        raise DomainError(
            _("The partnership has ended: nobody is invited to its portal."),
            code="partner_inactive",
        )
    token = _new_token(current)
    current.sent_at, current.expires_at = now, now + INVITATION_VALID_FOR
    current.sent_count += 1
    current.save(update_fields=["token_digest", "sent_at", "expires_at", "sent_count"])
    _send(current, token)
    current.token = token  # type: ignore[attr-defined]
    return current


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User, now: datetime.datetime | None = None
) -> Invitation:
    now = now or timezone.now()
    _check_manager(invitation=invitation, actor=actor)
    current = _locked_pending(invitation, now)
    current.status, current.revoked_at = InvitationStatus.REVOKED, now
    current.save(update_fields=["status", "revoked_at"])
    return current


def _link_contact(invitation: Invitation, user: User) -> None:
    """The invitation's contact, else the company's contact with the invitee's address, becomes
    the new user's contact (unless it is someone else's already); without one, none is made."""
    contact = invitation.contact
    if contact is None:
        contact = Contact.objects.filter(
            partner_id=invitation.partner_id, email__iexact=invitation.email, user__isnull=True
        ).first()
    if contact is not None and contact.user_id is None:
        contact.user = user
        contact.save(update_fields=["user", "updated_at"])


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, now: datetime.datetime | None = None
) -> User:
    """The invitee's own act: a partner user with the invitation's role, once. A used, revoked or
    expired link, or one that never was, is refused (400 on the token) and creates nothing."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("partner")
        .filter(token_digest=token_digest(token or ""))
        .first()
    )
    if invitation is None:
        raise InvalidInput({"token": [_("This invitation link is not valid.")]})
    state = invitation.state(now)
    if state != InvitationStatus.PENDING:
        raise InvalidInput({"token": [str(INVITATION_REFUSALS[state])]})
    if not invitation.partner.has_portal_access:
        raise InvalidInput({"token": [_("The partnership has ended: this link no longer works.")]})
    user = user_create(
        username=username,
        email=invitation.email,
        password=password,
        role=Role.PARTNER,
        partner=invitation.partner,
        partner_role=invitation.partner_role,
    )
    invitation.status, invitation.accepted_at = InvitationStatus.ACCEPTED, now
    invitation.accepted_user = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_user"])
    _link_contact(invitation, user)
    send_after_commit(
        invitation_accepted,
        Invitation,
        invitation_id=invitation.pk,
        partner_id=invitation.partner_id,
        user_id=user.pk,
        at=now,
    )
    return user


# --- contacts -----------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "email", "phone", "title", "roles", "notes")


def _check_contact_actor(*, partner, actor: User) -> None:
    if actor.is_staff_role:
        return
    if not (actor.is_partner_admin and actor.partner_id == partner.pk):
        raise NotPermitted(_("Only your company's partner admins edit its contacts."))


def _text_errors(cleaned: dict) -> dict[str, list[str]]:
    """What a form's fields would say of the texts (an import or the API has no form)."""
    errors: dict[str, list[str]] = {}
    for key in ("name", "email", "phone", "title"):
        limit = getattr(Contact._meta.get_field(key), "max_length", None)
        if limit and len(cleaned.get(key) or "") > limit:
            errors[key] = [_("At most %(n)s characters.") % {"n": limit}]
    if cleaned.get("email") and "email" not in errors:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    return errors


def _clean_contact(partner, fields: dict, *, instance: Contact | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = {k: fields[k] for k in CONTACT_FIELDS if k in fields}
    for key in ("name", "email", "phone", "title", "notes"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Give the contact's name.")]
    errors.update(_text_errors(cleaned))
    if "email" in cleaned and "email" not in errors:
        cleaned["email"] = cleaned["email"].lower()
        taken = Contact.objects.filter(partner=partner, email__iexact=cleaned["email"])
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if cleaned["email"] and taken.exists():
            errors["email"] = [_("Another contact of this company has this e-mail address.")]
    if "roles" in cleaned:
        roles = list(dict.fromkeys(cleaned["roles"] or []))
        unknown = [r for r in roles if r not in ContactRole.values]
        if unknown:
            errors["roles"] = [_("Unknown roles: %(roles)s.") % {"roles": ", ".join(unknown)}]
        cleaned["roles"] = roles
    if errors:
        raise InvalidInput(errors)
    return cleaned


@transaction.atomic
def contact_create(*, partner, actor: User, **fields) -> Contact:
    _check_contact_actor(partner=partner, actor=actor)
    cleaned = _clean_contact(partner, {"name": "", **fields})
    return Contact.objects.create(partner=partner, **cleaned)


@transaction.atomic
def contact_update(*, contact: Contact, actor: User, **fields) -> Contact:
    _check_contact_actor(partner=contact.partner, actor=actor)
    cleaned = _clean_contact(contact.partner, fields, instance=contact)
    for key, value in cleaned.items():
        setattr(contact, key, value)
    contact.save(update_fields=[*cleaned, "updated_at"])
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor: User) -> None:
    """A contact who left the company goes; their portal user, if any, stays (deactivate it)."""
    _check_contact_actor(partner=contact.partner, actor=actor)
    contact.delete()


# --- taking a partner user's access away --------------------------------------------------------

# What each partner role may do (DESIGN.md section 13): what a person of that role loses.
ROLE_POWERS: dict[str, list[StrOrPromise]] = {
    PartnerRole.ADMIN: [
        gettext_lazy("manage the company's users, invitations and contacts"),
        gettext_lazy("sign agreements for the company"),
        gettext_lazy("register deals, take leads and request funds"),
    ],
    PartnerRole.MEMBER: [gettext_lazy("register deals, take leads and request funds")],
    PartnerRole.FINANCE: [gettext_lazy("read the company's funds, claims and earnings")],
}


@dataclass(frozen=True)
class AccessRevocation:
    """What taking `user`'s access away does, computed by `access_revocation_plan` and done by
    `access_revoke` from the same computation: the page shows this before anything changes."""

    user: User
    session_keys: tuple[str, ...]  # the browser sessions that end
    token_keys: tuple[str, ...]  # the API tokens that end
    powers: tuple[StrOrPromise, ...]  # what they can no longer do
    refusal: str = ""  # why it cannot be done; nothing then changes

    @property
    def sessions(self) -> int:
        return len(self.session_keys)

    @property
    def tokens(self) -> int:
        return len(self.token_keys)

    @property
    def fingerprint(self) -> str:
        """What a confirmation was given for: the revocation goes ahead only if it still does
        exactly this (a new sign-in or token meanwhile asks again)."""
        return fingerprint(
            [
                f"user:{self.user.pk}",
                f"role:{self.user.partner_role}",
                f"refusal:{self.refusal}",
                *(f"s:{key}" for key in self.session_keys),
                *(f"t:{key}" for key in self.token_keys),
            ]
        )


def access_revocation_plan(*, user: User) -> AccessRevocation:
    """What deactivating `user` would do now; writes nothing. The sessions and tokens are those
    apps.accounts.services.user_sign_out_everywhere then deletes; the refusal is the rule that
    then refuses (a company's last partner admin stays)."""
    refusal = ""
    if not user.is_active:
        refusal = _("%(user)s has no access already.") % {"user": user.username}
    else:
        try:
            with transaction.atomic():
                keeps_an_admin(user)
        except DomainError as exc:
            refusal = str(exc.detail)
    return AccessRevocation(
        user=user,
        # what apps.accounts.services.user_sign_out_everywhere deletes, by the same filters
        session_keys=tuple(
            UserSession.objects.filter(user=user).values_list("session_key", flat=True)
        ),
        token_keys=tuple(AuthToken.objects.filter(user=user).values_list("digest", flat=True)),
        powers=tuple(ROLE_POWERS.get(user.partner_role, [])),
        refusal=refusal,
    )


def access_revoke(*, user: User, actor: User, confirmed: str) -> AccessRevocation:
    """Deactivate `user` as the plan the actor confirmed (its fingerprint) says: their sessions
    and tokens end in this request. If the plan changed meanwhile (a new sign-in, a token, a role
    change), nothing happens: PlanChanged carries the plan as it is now, to ask again."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        plan = access_revocation_plan(user=locked)
        if plan.fingerprint != confirmed:
            raise PlanChanged(
                _(
                    "What this does has changed since it was shown (they signed in, a token was "
                    "made, or their role changed). Here is what it does now."
                ),
                plan,
            )
        if plan.refusal:
            raise DomainError(plan.refusal, code="refused")
        user_deactivate(user=locked, actor=actor)
    return plan
