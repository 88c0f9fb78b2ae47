from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.errors import InvalidInput

from .models import Role, User


@transaction.atomic
def user_create(*, username: str, email: str, password: str, role: str, partner=None) -> User:
    errors: dict[str, list[str]] = {}
    if role == Role.PARTNER and partner is None:
        errors["partner"] = ["Required for a partner user."]
    if role != Role.PARTNER and partner is not None:
        errors["partner"] = ["Only partner users belong to a partner."]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["A user with that username already exists."]
    user = User(username=username, email=email, role=role, partner=partner)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN  # admins may use the Django admin
    user.is_superuser = False
    user.save()
    return user


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
