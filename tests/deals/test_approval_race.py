"""A competing approval that commits between our checks and the transition is a 409, not a 500."""

from __future__ import annotations

import pytest

from apps.core.errors import DomainError
from apps.deals.models import DealRegistration, Status
from apps.deals.services import registration_transition
from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


class _HolderAppearsLate:
    """domain_holder().exists(): free for the service's and apply's checks, taken afterwards."""

    def __init__(self, free_checks: int):
        self.calls = 0
        self.free_checks = free_checks

    def exists(self) -> bool:
        self.calls += 1
        return self.calls > self.free_checks


def test_it_answers_domain_protected_when_it_loses_the_race(bob, monkeypatch):
    reg = RegistrationFactory(partner=PartnerFactory(stage=Stage.GROWTH, manager=bob))
    holder = _HolderAppearsLate(free_checks=2)
    monkeypatch.setattr(DealRegistration, "domain_holder", lambda self: holder)
    with pytest.raises(DomainError) as refused:
        registration_transition(registration=reg, name="approve", actor=bob)
    assert refused.value.code == "domain_protected"
    assert holder.calls >= 3  # django-fsm's own check saw the competitor
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED
