"""Tier tests: the program's three tiers with known requirements; acme and globex are active
partners (growth) managed by bob; charlie and dave are their partner users."""

from __future__ import annotations

import pytest

from apps.partners.models import Stage
from apps.program.models import ProgramSettings
from tests.factories import PartnerFactory
from tests.tiers.factories import make_tiers


@pytest.fixture
def tiers(db):
    """{name: Tier}; made here, not trusted from the data migration (transactional tests flush)."""
    return make_tiers()


@pytest.fixture
def program(db):
    settings = ProgramSettings.get()
    settings.base_currency = "USD"
    settings.auto_apply_promotions = False
    settings.demotion_grace_days = 30
    settings.save()
    return settings


@pytest.fixture
def acme(db, bob, tiers):
    return PartnerFactory(
        name="Acme Resellers", stage=Stage.GROWTH, manager=bob, tier=tiers["Bronze"]
    )


@pytest.fixture
def globex(db, bob, tiers):
    return PartnerFactory(
        name="Globex Integrators", stage=Stage.GROWTH, manager=bob, tier=tiers["Bronze"]
    )
