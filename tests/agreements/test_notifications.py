from __future__ import annotations

import pytest

from apps.notifications.models import Notification
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def test_it_tells_the_partner_users_an_agreement_awaits_them(bob, charlie, dave):
    from apps.agreements.services import agreement_transition

    agreement = AgreementFactory(partner=charlie.partner)
    agreement_transition(agreement=agreement, name="send", actor=bob)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["charlie"]


def test_it_tells_the_owning_manager_when_the_partner_signs(bob, charlie):
    from apps.agreements.services import agreement_transition

    partner = charlie.partner
    partner.manager = bob
    partner.save()
    agreement = AgreementFactory(partner=partner, status="sent")
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("bob", "agreement-signed")
    ]
