from __future__ import annotations

import pytest

from apps.accounts.models import PartnerRole, User
from apps.partners.models import Partner
from apps.people.models import Contact, Invitation

pytestmark = pytest.mark.django_db


def test_the_demo_has_contacts_on_every_partner_users_in_every_role_and_pending_invitations():
    from apps.demo import accounts, partners, people

    ctx: dict = {}
    accounts.seed(ctx)
    partners.seed(ctx)
    people.seed(ctx)
    for partner in Partner.objects.all():
        assert Contact.objects.filter(partner=partner).count() >= 2, partner.name
    northwind = ctx["northwind"]
    roles = set(User.objects.filter(partner=northwind).values_list("partner_role", flat=True))
    assert roles == set(PartnerRole.values)
    assert User.objects.get(username="nora").partner_role == PartnerRole.ADMIN
    assert User.objects.get(username="carl").partner_role == PartnerRole.ADMIN
    assert Invitation.objects.filter(status="pending").count() >= 2
    assert Contact.objects.filter(user=ctx["nora"]).exists()
