"""Funds tests: acme and globex are active partners managed by bob; media goes to a temporary
folder."""

from __future__ import annotations

import pytest

from apps.partners.models import Stage
from tests.factories import PartnerFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def globex(db, bob):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH, manager=bob)
