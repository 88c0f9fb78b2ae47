"""Random sequences of wins, evaluations and decisions keep the tier invariants."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import DomainError
from apps.partners.models import Partner, Stage
from apps.program.models import ProgramSettings
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from apps.tiers.services import evaluate_tiers, proposal_transition
from tests.factories import ManagerFactory, PartnerFactory
from tests.tiers.factories import make_tiers, won

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("win"), st.sampled_from(["20000", "60000", "300000"])),
        st.tuples(st.just("evaluate"), st.sampled_from([1, 15, 31, 120, 400])),
        st.tuples(st.just("approve"), st.none()),
        st.tuples(st.just("dismiss"), st.none()),
    ),
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS, auto=st.booleans())
def test_it_keeps_the_tier_invariants_whatever_the_sequence(actions, auto):
    tiers = make_tiers()
    program = ProgramSettings.get()
    program.auto_apply_promotions = auto
    program.demotion_grace_days = 30
    program.save()
    manager = ManagerFactory()
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Silver"], manager=manager)
    now = START
    for name, arg in actions:
        if name == "win":
            won(partner, arg, closed_at=now)
        elif name == "evaluate":
            now += timedelta(days=arg)
            evaluate_tiers(now)
            before = (TierProposal.objects.count(), TierChange.objects.count())
            evaluate_tiers(now)  # a repeated run changes nothing
            assert (TierProposal.objects.count(), TierChange.objects.count()) == before
            tier_id = Partner.objects.get(pk=partner.pk).tier_id
            for p in TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN):
                assert p.current_tier_id == tier_id
        else:
            proposal = TierProposal.objects.filter(
                partner=partner, status=ProposalStatus.OPEN
            ).first()
            if proposal is not None:
                # refused when the partner's tier moved meanwhile: the invariants must still hold
                with contextlib.suppress(DomainError):
                    proposal_transition(proposal=proposal, name=name, actor=manager, now=now)
        _assert_invariants(partner, tiers, manager, auto)


def _assert_invariants(partner, tiers, manager, auto) -> None:
    proposals = TierProposal.objects.filter(partner=partner)
    assert proposals.filter(status=ProposalStatus.OPEN).count() <= 1
    changes = list(TierChange.objects.filter(partner=partner).order_by("at", "id"))
    current = Partner.objects.get(pk=partner.pk).tier_id
    if changes:
        assert changes[-1].to_tier_id == current  # the history ends where the partner is
        for earlier, later in zip(changes, changes[1:], strict=False):
            assert later.from_tier_id == earlier.to_tier_id  # no gap in the history
    else:
        assert current == tiers["Silver"].pk
    for p in proposals.exclude(status=ProposalStatus.APPROVED):
        assert not TierChange.objects.filter(proposal=p).exists()
    for p in proposals.filter(status=ProposalStatus.APPROVED):
        assert TierChange.objects.filter(proposal=p).count() == 1
    for change in changes:
        if change.direction == "demotion":  # never without a person's approval
            assert change.actor_id == manager.pk and change.proposal_id is not None
        elif change.actor_id is None:
            assert auto  # automatic promotions only when the program says so
