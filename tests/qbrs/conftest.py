"""QBR tests run with the named partners in the loop: Acme and Globex are in growth, and Acme
is managed by bob."""

from __future__ import annotations

import pytest

from apps.partners.models import Stage
from tests.factories import PartnerFactory


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def globex(db):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH)
