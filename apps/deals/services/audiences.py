"""Who hears of a registration."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import Role, User


def partner_users(partner_id: int):
    return User.objects.filter(partner_id=partner_id, role=Role.PARTNER, is_active=True)


def staff_recipients(partner) -> list:
    """The partner's manager; the admins when the partnership has no manager."""

    if partner.manager_id and partner.manager.is_active:
        return [partner.manager]
    return list(User.objects.filter(role=Role.ADMIN, is_active=True))


def admins():

    return User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
