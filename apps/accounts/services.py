from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from apps.core.errors import InvalidInput

from .models import (
    PROGRAM_ADMINS_APPS,
    PROGRAM_ADMINS_GROUP,
    PartnerRole,
    Role,
    User,
    UserSession,
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
        errors["partner"] = ["Required for a partner user."]
    if role != Role.PARTNER and partner is not None:
        errors["partner"] = ["Only partner users belong to a partner."]
    if role != Role.PARTNER and partner_role:
        errors["partner_role"] = ["Only partner users have a partner role."]
    elif partner_role and partner_role not in PartnerRole.values:
        errors["partner_role"] = [f'"{partner_role}" is not a partner role.']
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["A user with that username already exists."]
    if role == Role.PARTNER and not partner_role:
        partner_role = _default_partner_role(partner)
    user = User(
        username=username,
        email=email,
        role=role,
        partner=partner,
        partner_role=partner_role if role == Role.PARTNER else "",
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
        raise InvalidInput({"old_password": ["The current password is not correct."]})
    try:
        validate_password(new_password, current)
    except ValidationError as exc:
        raise InvalidInput({"new_password": list(exc.messages)}) from None
    user_password_set(current, new_password, keep_session_key=keep_session_key)
    return current, token_create(current)


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
