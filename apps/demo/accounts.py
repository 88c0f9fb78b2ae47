from __future__ import annotations

from apps.accounts.models import PartnerRole, Role, User
from apps.accounts.services import user_admin_site_sync
from apps.partners.models import Partner

LOGINS = [
    ("admin", "admin", "partneros-admin"),
    ("partner manager", "maria", "partneros-manager"),
    ("partner user, Northwind", "nora", "partneros-partner"),
    ("partner user, Contoso", "carl", "partneros-partner"),
    ("partner member, Northwind", "nick", "partneros-partner"),
    ("partner finance, Northwind", "fiona", "partneros-partner"),
]


def already_seeded() -> bool:
    return User.objects.filter(username="admin").exists()


def _user(username, password, role, first, last, *, partner=None, **extra) -> User:
    user = User(
        username=username,
        email=f"{username}@example.com",
        role=role,
        partner=partner,
        first_name=first,
        last_name=last,
        **extra,
    )
    user.set_password(password)
    user.save()
    return user


def seed(ctx: dict) -> None:
    northwind = Partner.objects.create(
        name="Northwind Traders", website="https://northwind.example"
    )
    contoso = Partner.objects.create(name="Contoso Solutions", website="https://contoso.example")
    # Not a superuser: the Django admin (the audit trail) through the Program admins group.
    ctx["admin"] = _user("admin", "partneros-admin", Role.ADMIN, "Ada", "Admin")
    user_admin_site_sync(ctx["admin"])
    ctx["manager"] = _user("maria", "partneros-manager", Role.MANAGER, "Maria", "Manager")
    ctx["northwind"], ctx["contoso"] = northwind, contoso
    # Each company's first portal user is its partner admin (DESIGN.md section 13).
    admin = PartnerRole.ADMIN
    ctx["nora"] = _user(
        "nora", "partneros-partner", Role.PARTNER, "Nora", "North", partner=northwind,
        partner_role=admin,
    )  # fmt: skip
    ctx["carl"] = _user(
        "carl", "partneros-partner", Role.PARTNER, "Carl", "Conway", partner=contoso,
        partner_role=admin,
    )  # fmt: skip
