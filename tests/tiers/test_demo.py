"""The demo program has exchange rates and a promotion waiting for the manager."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.core import sweeps
from apps.program.models import ExchangeRate
from apps.tiers.models import ProposalStatus, TierChange, TierProposal

pytestmark = pytest.mark.django_db


def test_it_seeds_rates_history_and_an_open_promotion(capsys):
    call_command("seed_demo")

    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "GBP"}
    proposal = TierProposal.objects.get(partner__name="Contoso Solutions")
    assert (proposal.status, proposal.direction) == (ProposalStatus.OPEN, "promotion")
    assert proposal.figures["won_deals"] >= proposal.proposed_tier.min_won_deals
    assert proposal.figures["missing_rates"] == {}
    assert TierChange.objects.filter(partner__name="Northwind Traders").exists()

    # the figures are true: the nightly evaluation keeps the proposal rather than withdrawing it
    sweeps.run("tier_evaluation")
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
