from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from apps.core.errors import DomainError, InvalidInput, NotPermitted

from .models import (
    PROGRAM_ADMINS_APPS,
    PROGRAM_ADMINS_GROUP,
    PartnerRole,
    Role,
    User,
    UserSession,
    time_zone_names,
)


def _default_partner_role(partner) -> str:
    """A company's first portal user is its admin; the next ones are members (least privilege)."""
    if partner is None or User.objects.filter(partner=partner, role=Role.PARTNER).exists():
        return PartnerRole.MEMBER
    return PartnerRole.ADMIN


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    partner=None,
    partner_role: str | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    if role == Role.PARTNER and partner is None:
        errors["partner"] = [_("Required for a partner user.")]
    if role != Role.PARTNER and partner is not None:
        errors["partner"] = [_("Only partner users belong to a partner.")]
    if role != Role.PARTNER and partner_role:
        errors["partner_role"] = [_("Only partner users have a partner role.")]
    elif partner_role and partner_role not in PartnerRole.values:
        errors["partner_role"] = [f'"{partner_role}" is not a partner role.']
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("A user with that username already exists.")]
    if role == Role.PARTNER and not partner_role:
        partner_role = _default_partner_role(partner)
    user = User(
        username=username,
        email=email,
        role=role,
        partner=partner,
        partner_role=(partner_role or "") if role == Role.PARTNER else "",
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN  # admins may use the Django admin (see below)
    user.is_superuser = False
    user.save()
    user_admin_site_sync(user)
    return user


def program_admins_group() -> Group:
    """The group that lets admins read the audit trail in the Django admin (view permission on
    the audit app's models), made by migration accounts 0003 and again here if it is missing."""
    group, created = Group.objects.get_or_create(name=PROGRAM_ADMINS_GROUP)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=PROGRAM_ADMINS_APPS, codename__startswith="view_"
            )
        )
    return group


def user_admin_site_sync(user: User) -> None:
    """Admins use the Django admin (its audit trail) through the Program admins group, not as
    superusers; any other role leaves the group and the admin site."""
    group = program_admins_group()
    staff = user.role == Role.ADMIN or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if user.role == Role.ADMIN:
        user.groups.add(group)
    else:
        user.groups.remove(group)


# --- tokens and sessions ----------------------------------------------------------------------


def token_create(user: User) -> str:
    """A new API token for the user: the key is answered once; only its digest is stored, and it
    expires after API_TOKEN_TTL_HOURS. The user's expired tokens are deleted on the way."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    _instance, key = AuthToken.objects.create(user=user)
    return key


def token_revoke(*, user: User, token_key: str) -> bool:
    """End one of the user's own tokens, named by its prefix; False when they hold none such."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


@transaction.atomic
def user_sign_out_everywhere(user: User, *, keep_session_key: str | None = None) -> None:
    """End every API token and every browser session of the user at once (but the session a
    password change was made in, when given). Called by every door that changes a password or
    deactivates a user: the API, the reset page, the Django admin."""
    AuthToken.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "").delete()


@transaction.atomic
def user_password_set(user: User, password: str, *, keep_session_key: str | None = None) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    user_sign_out_everywhere(user, keep_session_key=keep_session_key)


@transaction.atomic
def user_password_change(
    user: User, *, old_password: str, new_password: str, keep_session_key: str | None = None
) -> tuple[User, str]:
    """The user's own password change: the old one proves it is them, the validators judge the
    new one. Every other session and every token ends. Answers the user as now stored (read
    afresh and locked, so two changes at once are judged one after the other) and a new token."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if not current.check_password(old_password):
        raise InvalidInput({"old_password": [_("The current password is not correct.")]})
    try:
        validate_password(new_password, current)
    except ValidationError as exc:
        raise InvalidInput({"new_password": list(exc.messages)}) from None
    user_password_set(current, new_password, keep_session_key=keep_session_key)
    return current, token_create(current)


def user_preferences_set(*, user: User, language: str, time_zone: str) -> set[str]:
    """The language and time zone of the user's pages from their next request on; blank follows
    the browser (language) or the program (time zone). Answers the names of what changed."""
    errors = {}
    if language and language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the languages offered.")]
    if time_zone and time_zone not in time_zone_names():
        errors["time_zone"] = [_("Choose one of the time zones offered.")]
    if errors:
        raise InvalidInput(errors)
    changed = {
        name
        for name, value in (("language", language), ("time_zone", time_zone))
        if getattr(user, name) != value
    }
    if changed:
        user.language, user.time_zone = language, time_zone
        user.save(update_fields=sorted(changed))
    return changed


@transaction.atomic
def user_set_active(user: User, active: bool) -> None:
    """Activate or deactivate a user; a deactivation ends their sessions and tokens at once."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    if not active:
        user_sign_out_everywhere(user)


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The username django-axes counts a failed login under (every door: login page, API token,
    admin). Cut to its 255-character column: a longer one names no account, and must not turn a
    failed login into a 500; nor may a NUL, which PostgreSQL refuses in text and which no
    username can hold (the forms refuse it before authenticating, but the API token door asks
    django-axes whether the name is locked out first)."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None)
        username = (request.POST if data is None else data).get("username")
    return username.replace("\x00", "")[:255] if isinstance(username, str) else username


# --- a partner company's team (DESIGN.md section 13) ------------------------------------------


def _check_team_actor(*, user: User, actor: User) -> None:
    """Staff act on any partner user; a partner admin on their own company's users only (another
    company's answers as missing, the caller's view does that first); nobody else."""
    if not user.is_partner_user:
        if actor.is_admin:
            return
        raise NotPermitted(_("Only admins change staff users."))
    if actor.is_staff_role:
        return
    if not (actor.is_partner_admin and actor.partner_id == user.partner_id):
        raise NotPermitted(_("Only your company's partner admins manage its users."))


def _keeps_an_admin(user: User) -> None:
    """A company keeps at least one active partner admin: its last one is neither demoted nor
    deactivated (by its colleagues or by themselves)."""
    # The company's admins are locked first, so two demotions at once cannot both pass.
    list(
        User.objects.select_for_update()
        .filter(partner_id=cast(int, user.partner_id), partner_role=PartnerRole.ADMIN)
        .values_list("pk", flat=True)
    )
    others = User.objects.filter(
        partner_id=cast(int, user.partner_id),
        role=Role.PARTNER,
        partner_role=PartnerRole.ADMIN,
        is_active=True,
    ).exclude(pk=user.pk)
    if user.partner_role == PartnerRole.ADMIN and user.is_active and not others.exists():
        raise DomainError(
            _("This is the company's last partner admin: make someone else admin first."),
            code="last_partner_admin",
        )


@transaction.atomic
def user_partner_role_set(*, user: User, partner_role: str, actor: User) -> User:
    """Change a partner user's partner role (never to staff: only the three partner roles)."""
    _check_team_actor(user=user, actor=actor)
    if not user.is_partner_user:
        raise InvalidInput({"partner_role": [_("Only partner users have a partner role.")]})
    if partner_role not in PartnerRole.values:
        raise InvalidInput({"partner_role": [_("Choose admin, member or finance.")]})
    user = User.objects.select_for_update().get(pk=user.pk)
    if partner_role != user.partner_role:
        if partner_role != PartnerRole.ADMIN:
            _keeps_an_admin(user)
        user.partner_role = partner_role
        user.save(update_fields=["partner_role"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Deactivate a user for good: their sessions and tokens end in this same request."""
    _check_team_actor(user=user, actor=actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_partner_user:
        _keeps_an_admin(user)
    user_set_active(user, False)
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> User:
    _check_team_actor(user=user, actor=actor)
    user_set_active(user, True)
    return user
