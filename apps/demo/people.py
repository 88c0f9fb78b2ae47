"""Demo people (run after partners): contacts on every partner, Northwind's users in all three
partner roles, and invitations still waiting for an answer."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import PartnerRole, Role, User
from apps.partners.models import Partner
from apps.people.models import Contact
from apps.people.services import invitation_create

FIRST = ["Nancy", "Andrew", "Janet", "Margaret", "Steven", "Michael", "Robert", "Laura", "Anne"]
LAST = ["Davolio", "Fuller", "Leverling", "Peacock", "Buchanan", "Suyama", "King", "Callahan"]
TITLES = [
    ("Managing director", ["primary", "executive"]),
    ("Head of sales", ["sales"]),
    ("Solutions engineer", ["technical"]),
    ("Marketing lead", ["marketing"]),
    ("Controller", ["finance"]),
]


def _domain(partner: Partner) -> str:
    return partner.website.split("//")[-1].strip("/") or "example.com"


def _partner_user(username, first, last, partner, role) -> User:
    user = User(
        username=username,
        email=f"{username}@example.com",
        role=Role.PARTNER,
        partner=partner,
        partner_role=role,
        first_name=first,
        last_name=last,
    )
    user.set_password("partneros-partner")
    user.save()
    return user


def seed(ctx: dict) -> None:
    northwind, contoso, manager = ctx["northwind"], ctx["contoso"], ctx["manager"]
    ctx["nick"] = _partner_user("nick", "Nick", "Nolan", northwind, PartnerRole.MEMBER)
    ctx["fiona"] = _partner_user("fiona", "Fiona", "Frost", northwind, PartnerRole.FINANCE)
    users = {u.pk: u for u in User.objects.filter(role=Role.PARTNER)}
    n = 0
    for partner in Partner.objects.order_by("name"):
        # The portal users are contacts too (linked); then two or three who are not.
        for user in (u for u in users.values() if u.partner_id == partner.pk):
            Contact.objects.create(
                partner=partner,
                name=user.get_full_name(),
                email=user.email,
                title="Partner portal admin"
                if user.partner_role == PartnerRole.ADMIN
                else "Account executive",
                roles=["primary"] if user.partner_role == PartnerRole.ADMIN else ["sales"],
                user=user,
            )
        for title, roles in TITLES[: 2 + n % 2]:
            first, last = FIRST[n % len(FIRST)], LAST[n % len(LAST)]
            n += 1
            Contact.objects.create(
                partner=partner,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@{_domain(partner)}",
                phone=f"+1 555 01{n:02d}",
                title=title,
                roles=roles,
            )
    now = timezone.now()
    waiting = Contact.objects.filter(partner=northwind, user__isnull=True).order_by("name").first()
    invitation_create(
        partner=northwind,
        email=waiting.email if waiting else "new.colleague@northwind.example",
        partner_role=PartnerRole.MEMBER,
        invited_by=manager,
        contact=waiting,
        now=now - timedelta(days=2),
    )
    invitation_create(
        partner=contoso,
        email="finance@contoso.example",
        partner_role=PartnerRole.FINANCE,
        invited_by=ctx["carl"],
        now=now - timedelta(days=1),
    )
