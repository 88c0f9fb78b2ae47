from __future__ import annotations

import pytest

from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_its_partner_filter_offers_only_partners_with_registrations_waiting(client_for, bob):
    waiting = PartnerFactory(name="Waiting Works", stage=Stage.GROWTH)
    decided = PartnerFactory(name="Decided Digital", stage=Stage.GROWTH)
    PartnerFactory.create_batch(3, stage=Stage.GROWTH)  # nothing registered
    RegistrationFactory(partner=waiting)
    RegistrationFactory(partner=decided, approved=True)
    partners = client_for(bob).get("/registrations/").context["partners"]
    assert [p.name for p in partners] == ["Waiting Works"]
