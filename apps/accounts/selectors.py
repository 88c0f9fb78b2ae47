from __future__ import annotations

from typing import cast

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .models import Role, User


def token_list(user: User) -> QuerySet[AuthToken]:
    """The user's API tokens that still work, newest first."""
    return AuthToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created")


def team_users(viewer: User) -> QuerySet[User]:
    """The users `viewer` manages: admins every user, managers the partner users, a partner admin
    their own company's users; anyone else none."""
    users = User.objects.select_related("partner").order_by("username", "pk")
    if viewer.is_admin:
        return users
    if viewer.is_staff_role:
        return users.filter(role=Role.PARTNER)
    if viewer.is_partner_admin:
        return users.filter(role=Role.PARTNER, partner_id=cast(int, viewer.partner_id))
    return users.none()
