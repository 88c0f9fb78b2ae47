"""Deal tests: acme and globex are active partners (growth), bob manages both."""

from __future__ import annotations

import pytest

from apps.partners.models import Stage
from tests.factories import PartnerFactory


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def globex(db, bob):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def valid_input():
    from datetime import timedelta

    from django.utils import timezone

    return {
        "customer_name": "Initech LLC",
        "customer_domain": "https://WWW.Initech.com/about",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.com",
        "product": "Analytics suite",
        "estimated_value": "125000.00",
        "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "description": "TPS reports, but better.",
    }
