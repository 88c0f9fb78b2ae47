"""The evaluation after the first: only the partners something happened to since the last run,
each found through an index on what happened — and the outcome the same as evaluating everyone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from apps.deals.models import DealRegistration, Status
from apps.partners.models import Partner, Stage
from apps.tiers.models import EvaluationMark, ProposalStatus, TierProposal, TierStanding
from apps.tiers.services import evaluate_tiers, proposal_transition
from tests.factories import PartnerFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of
from tests.tiers.factories import ExchangeRateFactory, won

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def settled() -> None:
    """What the tests wrote is older than the last run (as a real program's registrations
    are): only what they change from here on counts as new."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deals_dealregistration SET figures_changed_at = clock_timestamp() - "
            "interval '1 hour'"
        )
    EvaluationMark.objects.update(started_at=datetime.now(UTC))


@pytest.fixture
def many(program, tiers, bob):
    """Twelve partners with business of every kind, evaluated once."""
    partners = [
        PartnerFactory(stage=Stage.GROWTH, manager=bob, tier=tiers["Bronze"]) for _ in range(12)
    ]
    for i, partner in enumerate(partners):
        for _ in range(5 if i % 2 else 1):
            won(partner, "50000", closed_at=NOW - timedelta(days=40 + i))
    assert evaluate_tiers(NOW)["evaluated"] == 12
    settled()
    return partners


def test_a_repeat_run_with_nothing_new_evaluates_no_one_and_reads_no_registration(many):
    for _ in range(2):  # the same moment, then a day later with nothing crossing the window
        result, scans = scans_of(
            lambda: evaluate_tiers(NOW + timedelta(days=1)),
            ("deals_dealregistration", "tiers_tierstanding", "tiers_tierproposal"),
        )
        assert result["evaluated"] == 0
        assert result["proposed"] == result["withdrawn"] == 0
        assert_reads_nothing_handled(scans, {"deals_dealregistration": None})


def test_a_registration_won_since_is_evaluated_and_only_its_partner(many, tiers):
    partner = many[0]  # one deal: short of Silver by four
    for _ in range(4):
        won(partner, "50000", closed_at=NOW + timedelta(hours=1))
    result = evaluate_tiers(NOW + timedelta(hours=2))
    assert result["evaluated"] == 1
    [proposal] = TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN)
    assert proposal.proposed_tier == tiers["Silver"]


def test_a_status_changed_by_a_bare_update_is_seen(many):
    partner = many[1]  # five deals: Silver proposed
    assert TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN).exists()
    DealRegistration.objects.filter(partner=partner).update(status=Status.LOST)
    result = evaluate_tiers(NOW + timedelta(hours=1))
    assert result["evaluated"] == 1 and result["withdrawn"] == 1


def test_deals_leaving_the_window_are_found_by_their_close_date(many):
    # partner i's deals closed 40 + i days before NOW: 316.5 days on, those of 9, 10 and 11 left
    result = evaluate_tiers(NOW + timedelta(days=316, hours=12))
    assert result["evaluated"] == 3
    gone = [p for p in many if TierStanding.objects.get(partner=p).won_deals == 0]
    assert gone == many[9:]


def test_a_tier_set_elsewhere_or_a_new_partner_is_evaluated(many, tiers, bob):
    Partner.objects.filter(pk=many[2].pk).update(tier=tiers["Gold"])
    PartnerFactory(stage=Stage.GROWTH, manager=bob, tier=tiers["Bronze"])
    assert evaluate_tiers(NOW + timedelta(hours=1))["evaluated"] == 2
    assert TierStanding.objects.get(partner=many[2]).short_since is not None


def test_the_grace_period_running_out_between_runs_is_found(many, tiers):
    Partner.objects.filter(pk=many[4].pk).update(tier=tiers["Gold"])
    assert evaluate_tiers(NOW + timedelta(hours=1))["evaluated"] == 1  # short from here
    settled()
    assert evaluate_tiers(NOW + timedelta(days=29))["evaluated"] == 0
    result = evaluate_tiers(NOW + timedelta(days=31))
    assert result["evaluated"] == 1 and result["proposed"] == 1


def test_a_dismissal_holds_then_the_partner_is_evaluated_again(many, bob):
    partner = many[3]
    proposal = TierProposal.objects.get(partner=partner, status=ProposalStatus.OPEN)
    proposal_transition(proposal=proposal, name="dismiss", actor=bob, now=NOW)
    settled()
    assert evaluate_tiers(NOW + timedelta(days=1))["evaluated"] == 0
    result = evaluate_tiers(NOW + timedelta(days=91))
    assert result["proposed"] == 1  # its deals, 43 days old at NOW, are still in the window


def test_another_configuration_evaluates_everyone(many, tiers):
    tiers["Silver"].min_won_deals = 6
    tiers["Silver"].save()
    assert evaluate_tiers(NOW + timedelta(hours=1))["evaluated"] == 12
    settled()
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.1"), effective_date=date(2026, 1, 1)
    )
    assert evaluate_tiers(NOW + timedelta(hours=2))["evaluated"] == 12
    assert evaluate_tiers(NOW + timedelta(hours=2))["evaluated"] == 0


def test_an_earlier_moment_than_the_last_run_evaluates_everyone(many):
    assert evaluate_tiers(NOW - timedelta(days=1))["evaluated"] == 12
