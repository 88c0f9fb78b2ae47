"""Who hears of what: the one definition of each audience (DESIGN.md section 12, floor 1).

- the admins: active users with the admin role, and active superusers;
- a partner's users: the active partner users of that company;
- the vendor side of a partner: its manager while active, else the admins.

Each comes in a form for one partner and a form for many, so a sweep costs the same queries for
10 partners or 10,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from django.db.models import Q, QuerySet

from .models import Role, User


def admins() -> QuerySet[User]:
    return User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)


def admin_list() -> list[User]:
    return list(admins().order_by("pk"))


def partner_users(partner_id: int) -> QuerySet[User]:
    return User.objects.filter(partner_id=partner_id, role=Role.PARTNER, is_active=True)


def partner_users_of(partner_ids: Iterable[int]) -> dict[int, list[User]]:
    """{partner id: its active partner users}, one query for any number of partners."""
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        partner_id__in=set(partner_ids), role=Role.PARTNER, is_active=True
    ):
        users[cast(int, user.partner_id)].append(user)  # not None: filtered on it
    return users


def vendor_side(partner, admins_: list[User] | None = None) -> list[User]:
    """The partner's manager while active; the admins while it has none (pass `admins_` when
    asking for many partners, so the admins are read once)."""
    if partner.manager_id and partner.manager.is_active:
        return [partner.manager]
    return admin_list() if admins_ is None else admins_


def admins_and_partner_users(
    partner_ids: Iterable[int],
) -> tuple[list[User], dict[int, list[User]]]:
    """(the admins, {partner id: its active partner users}) in one query, for a run that needs
    both for many partners."""
    admin_users: list[User] = []
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        Q(partner_id__in=set(partner_ids), role=Role.PARTNER)
        | Q(role=Role.ADMIN)
        | Q(is_superuser=True),
        is_active=True,
    ).order_by("pk"):
        if user.role == Role.PARTNER and not user.is_superuser:
            users[cast(int, user.partner_id)].append(user)  # not None: filtered on it
        else:
            admin_users.append(user)
    return admin_users, users


class VendorSides:
    """`vendor_side` for many partners: the admins are read once, and only if a partner without
    an active manager needs them."""

    def __init__(self) -> None:
        self._admins: list[User] | None = None

    def __call__(self, partner) -> list[User]:
        if partner.manager_id and partner.manager.is_active:
            return [partner.manager]
        if self._admins is None:
            self._admins = admin_list()
        return self._admins
