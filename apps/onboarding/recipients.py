"""Who hears about a partner: its manager (admins when it has none), its users, the admins.
Looked up for many partners at once, so a sweep costs the same queries for 10 or 10,000."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from apps.accounts.models import Role, User


def admins() -> list[User]:
    return list(User.objects.filter(is_active=True).filter(role=Role.ADMIN)) + list(
        User.objects.filter(is_active=True, is_superuser=True).exclude(role=Role.ADMIN)
    )


def partner_users(partner_ids: Iterable[int]) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        partner_id__in=set(partner_ids), role=Role.PARTNER, is_active=True
    ):
        users[cast(int, user.partner_id)].append(user)  # not None: filtered on it
    return users


def vendor_side(partner, admin_list: list[User]) -> list[User]:
    """The partner's manager, or the admins while it has none."""
    return [partner.manager] if partner.manager_id and partner.manager.is_active else admin_list
