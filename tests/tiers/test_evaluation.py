"""The nightly tier evaluation: promotions, demotions after the grace period, no churn."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.core import sweeps
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from apps.tiers.models import ProposalStatus, TierChange, TierProposal, TierStanding
from apps.tiers.services import evaluate_tiers, proposal_transition
from tests.factories import PartnerFactory
from tests.tiers.factories import ExchangeRateFactory, TierProposalFactory, won

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def silver_business(partner, at=NOW - timedelta(days=10), currency="USD", each="50000"):
    """Five won deals worth 250,000 in all: exactly Silver's requirements."""
    return [won(partner, each, closed_at=at, currency=currency) for _ in range(5)]


def open_proposals(partner):
    return list(TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN))


def tier_of(partner):
    return Partner.objects.get(pk=partner.pk).tier


def test_it_proposes_a_promotion_without_applying_it(program, tiers, acme, bob, charlie):
    silver_business(acme)

    result = evaluate_tiers(NOW)

    [proposal] = open_proposals(acme)
    assert proposal.direction == "promotion"
    assert (proposal.current_tier, proposal.proposed_tier) == (tiers["Bronze"], tiers["Silver"])
    assert proposal.figures["won_value"] == "250000.00"
    assert proposal.figures["won_deals"] == 5
    assert proposal.figures["base_currency"] == "USD"
    assert proposal.figures["requirements"]["tier"] == "Silver"
    assert tier_of(acme) == tiers["Bronze"]  # nothing changes until a manager approves
    assert result["proposed"] == 1
    # the manager is asked to decide; the partner hears nothing until it is decided
    assert Notification.objects.filter(recipient=bob, kind="tier_proposal").count() == 1
    assert not Notification.objects.filter(recipient=charlie).exists()


def test_it_proposes_the_highest_qualifying_tier(program, tiers, acme):
    for _ in range(15):
        won(acme, "70000", closed_at=NOW - timedelta(days=3))

    evaluate_tiers(NOW)

    [proposal] = open_proposals(acme)
    assert proposal.proposed_tier == tiers["Gold"]


def test_it_proposes_nothing_just_below_the_requirements(program, tiers, acme):
    for _ in range(4):  # four deals: one short of Silver, whatever the value
        won(acme, "100000", closed_at=NOW - timedelta(days=3))

    evaluate_tiers(NOW)

    assert open_proposals(acme) == []


def test_it_applies_the_promotion_when_a_manager_approves(program, tiers, acme, bob, charlie):
    silver_business(acme)
    evaluate_tiers(NOW)
    [proposal] = open_proposals(acme)

    proposal_transition(proposal=proposal, name="approve", actor=bob, now=NOW + timedelta(hours=1))

    assert tier_of(acme) == tiers["Silver"]
    assert tier_of(acme) is not None and Partner.objects.get(pk=acme.pk).stage == Stage.GROWTH
    proposal = TierProposal.objects.get(pk=proposal.pk)
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == bob
    [change] = TierChange.objects.filter(partner=acme)
    assert (change.from_tier, change.to_tier, change.actor) == (
        tiers["Bronze"],
        tiers["Silver"],
        bob,
    )
    assert change.proposal == proposal
    assert change.figures["won_value"] == "250000.00"
    assert change.at == NOW + timedelta(hours=1)
    assert "approved by Bob" in change.reason
    # recorded and told: the manager and the partner's users, once, with a key
    assert Notification.objects.filter(recipient=charlie, kind="tier_change").count() == 1
    assert Notification.objects.get(recipient=charlie, kind="tier_change").subject == (
        "Your company is now Silver"
    )
    assert Notification.objects.filter(recipient=bob, kind="tier_change").count() == 1
    assert Notification.objects.filter(key=f"tier-change:{change.pk}:u{charlie.pk}").exists()


def test_it_promotes_automatically_when_the_program_says_so(program, tiers, acme, bob, charlie):
    program.auto_apply_promotions = True
    program.save()
    silver_business(acme)

    result = evaluate_tiers(NOW)

    assert result["promoted"] == 1
    assert tier_of(acme) == tiers["Silver"]
    assert open_proposals(acme) == []
    [change] = TierChange.objects.filter(partner=acme)
    assert change.actor is None
    assert "automatically" in change.reason
    assert Notification.objects.filter(recipient=charlie, kind="tier_change").count() == 1
    assert Notification.objects.filter(recipient=bob, kind="tier_change").count() == 1

    evaluate_tiers(NOW + timedelta(days=1))  # and once is enough
    assert TierChange.objects.filter(partner=acme).count() == 1


def test_it_demotes_only_after_the_grace_period_and_only_with_approval(
    program, tiers, acme, bob, charlie
):
    program.auto_apply_promotions = True  # promotions may be automatic; demotions never are
    program.save()
    partner = acme
    Partner.objects.filter(pk=partner.pk).update(tier=tiers["Silver"])
    won(partner, "10000", closed_at=NOW - timedelta(days=5))  # far below Silver

    evaluate_tiers(NOW)
    standing = TierStanding.objects.get(partner=partner)
    assert standing.short_since == NOW  # the clock starts at the first run that finds it short
    assert open_proposals(partner) == []

    evaluate_tiers(NOW + timedelta(days=29, hours=23))
    assert open_proposals(partner) == []  # still within the 30-day grace period
    assert TierStanding.objects.get(partner=partner).short_since == NOW  # the clock keeps running

    evaluate_tiers(NOW + timedelta(days=30))
    [proposal] = open_proposals(partner)
    assert proposal.direction == "demotion"
    assert proposal.proposed_tier == tiers["Bronze"]
    assert tier_of(partner) == tiers["Silver"]  # proposed, never applied by itself
    assert not TierChange.objects.filter(partner=partner).exists()
    assert not Notification.objects.filter(recipient=charlie).exists()


def test_it_restarts_the_grace_period_when_the_partner_recovers(program, tiers, bob):
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Silver"], manager=bob)
    evaluate_tiers(NOW)  # nothing won: short from now
    assert TierStanding.objects.get(partner=partner).short_since == NOW

    silver_business(partner, at=NOW + timedelta(days=10))
    evaluate_tiers(NOW + timedelta(days=11))
    assert TierStanding.objects.get(partner=partner).short_since is None

    # the deals drop out of the window a year later; the clock starts again from there
    later = NOW + timedelta(days=10 + 366)
    evaluate_tiers(later)
    assert TierStanding.objects.get(partner=partner).short_since == later
    evaluate_tiers(later + timedelta(days=29))
    assert open_proposals(partner) == []


def test_it_uses_the_program_grace_period(program, tiers, bob):
    program.demotion_grace_days = 0
    program.save()
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Gold"], manager=bob)
    silver_business(partner)

    evaluate_tiers(NOW)

    [proposal] = open_proposals(partner)
    assert proposal.proposed_tier == tiers["Silver"]


def test_it_does_not_churn_when_run_repeatedly(program, tiers, acme, bob):
    silver_business(acme)
    demoted = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Gold"], manager=bob)

    first = evaluate_tiers(NOW)
    counts = (TierProposal.objects.count(), Notification.objects.count())
    second = evaluate_tiers(NOW)
    third = evaluate_tiers(NOW + timedelta(days=1))

    assert first["proposed"] == 1
    assert second["proposed"] == third["proposed"] == 0
    assert second["withdrawn"] == third["withdrawn"] == 0
    assert (TierProposal.objects.count(), Notification.objects.count()) == counts
    assert TierStanding.objects.get(partner=demoted).short_since == NOW


def test_it_runs_as_the_registered_sweep(program, tiers, acme):
    silver_business(acme)

    assert sweeps.run("tier_evaluation", NOW)["proposed"] == 1
    assert sweeps.run("tier_evaluation", NOW)["proposed"] == 0


def test_it_keeps_one_open_proposal_per_partner_in_the_database(tiers, acme):
    TierProposalFactory(partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"])

    with pytest.raises(IntegrityError), transaction.atomic():
        TierProposalFactory(partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Gold"])

    # closed proposals do not count
    TierProposalFactory(
        partner=acme,
        current_tier=tiers["Bronze"],
        proposed_tier=tiers["Gold"],
        status=ProposalStatus.DISMISSED,
    )


def test_it_replaces_a_proposal_the_figures_no_longer_support(program, tiers, acme):
    TierProposalFactory(partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Gold"])
    silver_business(acme)

    result = evaluate_tiers(NOW)

    assert result["withdrawn"] == 1
    [proposal] = open_proposals(acme)
    assert proposal.proposed_tier == tiers["Silver"]
    assert TierProposal.objects.filter(partner=acme, status=ProposalStatus.WITHDRAWN).count() == 1


def test_it_withdraws_a_proposal_when_no_change_is_due_any_more(program, tiers, acme):
    TierProposalFactory(partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"])

    evaluate_tiers(NOW)  # acme has won nothing

    assert open_proposals(acme) == []
    assert TierProposal.objects.get(partner=acme).status == ProposalStatus.WITHDRAWN


def test_it_respects_a_managers_dismissal_for_a_quarter(program, tiers, acme, bob):
    for _ in range(5):
        won(acme, "50000", closed_at=NOW)
    evaluate_tiers(NOW)
    [proposal] = open_proposals(acme)
    proposal_transition(proposal=proposal, name="dismiss", actor=bob, now=NOW)

    evaluate_tiers(NOW + timedelta(days=1))
    evaluate_tiers(NOW + timedelta(days=89))
    assert open_proposals(acme) == []

    # still qualifying once the dismissal has held for 90 days (the deals are within 12 months)
    evaluate_tiers(NOW + timedelta(days=91))
    [again] = open_proposals(acme)
    assert again.proposed_tier == tiers["Silver"]


def test_it_only_evaluates_active_partners(program, tiers):
    for stage in (Stage.RECRUITMENT, Stage.EXITED):
        partner = PartnerFactory(stage=stage, tier=tiers["Bronze"])
        silver_business(partner)

    result = evaluate_tiers(NOW)

    assert result["evaluated"] == 0
    assert not TierProposal.objects.exists()


def test_it_places_a_partner_without_a_tier(program, tiers, bob):
    partner = PartnerFactory(stage=Stage.ONBOARDING, tier=None, manager=bob)

    evaluate_tiers(NOW)

    [proposal] = open_proposals(partner)
    assert proposal.current_tier is None
    assert proposal.proposed_tier == tiers["Bronze"]  # Bronze asks for nothing


def test_it_tells_admins_when_a_partner_has_no_manager(program, tiers, alice):
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], manager=None)
    silver_business(partner)

    evaluate_tiers(NOW)

    assert Notification.objects.filter(recipient=alice, kind="tier_proposal").count() == 1


# --- the trailing 12 months, at the boundaries ---------------------------------------------------


def test_it_counts_a_deal_closed_exactly_twelve_months_ago(program, tiers, acme):
    for _ in range(4):
        won(acme, "50000", closed_at=NOW - timedelta(days=1))
    won(acme, "50000", closed_at=datetime(2025, 6, 15, 12, 0, tzinfo=UTC))  # the window's start

    evaluate_tiers(NOW)

    [proposal] = open_proposals(acme)
    assert proposal.figures["won_deals"] == 5
    assert proposal.figures["window_start"] == "2025-06-15T12:00:00+00:00"


def test_it_leaves_out_a_deal_closed_a_second_before_the_window(program, tiers, acme):
    for _ in range(4):
        won(acme, "50000", closed_at=NOW - timedelta(days=1))
    won(acme, "50000", closed_at=datetime(2025, 6, 15, 11, 59, 59, tzinfo=UTC))

    evaluate_tiers(NOW)

    assert open_proposals(acme) == []
    assert TierStanding.objects.get(partner=acme).won_deals == 4


def test_it_counts_a_deal_closed_at_the_evaluation_moment_but_not_after(program, tiers, acme):
    won(acme, "1000", closed_at=NOW)
    won(acme, "1000", closed_at=NOW + timedelta(seconds=1))

    evaluate_tiers(NOW)

    standing = TierStanding.objects.get(partner=acme)
    assert (standing.won_deals, standing.won_value) == (1, Decimal("1000.00"))


def test_it_only_counts_won_registrations_and_their_actual_value(program, tiers, acme):
    from tests.deals.factories import registration_in

    won(acme, "700", closed_at=NOW - timedelta(days=1), estimated="5")  # the actual value counts
    won(acme, "300", closed_at=NOW - timedelta(days=1), actual=False)  # no actual: the estimate
    for status in ("submitted", "approved", "lost", "expired", "rejected", "withdrawn"):
        registration_in(status, partner=acme, estimated_value=Decimal("99999"))

    evaluate_tiers(NOW)

    standing = TierStanding.objects.get(partner=acme)
    assert (standing.won_deals, standing.won_value) == (2, Decimal("1000.00"))


def test_it_handles_the_window_from_a_leap_day(program, tiers, acme):
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    won(acme, "10", closed_at=datetime(2027, 2, 28, 12, 0, tzinfo=UTC))
    won(acme, "10", closed_at=datetime(2027, 2, 28, 11, 0, tzinfo=UTC))

    evaluate_tiers(leap)

    assert TierStanding.objects.get(partner=acme).won_deals == 1


# --- currencies ----------------------------------------------------------------------------------


def test_it_converts_each_deal_with_the_rate_in_force_on_its_close_date(program, tiers, acme):
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.0"), effective_date=date(2026, 1, 1)
    )
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("2.0"), effective_date=date(2026, 6, 1)
    )
    won(acme, "1000", currency="EUR", closed_at=datetime(2026, 5, 31, 23, 0, tzinfo=UTC))  # 1000
    won(acme, "1000", currency="EUR", closed_at=datetime(2026, 6, 1, 0, 0, tzinfo=UTC))  # 2000
    won(acme, "500", currency="USD", closed_at=datetime(2026, 6, 2, tzinfo=UTC))  # base: 500

    evaluate_tiers(NOW)

    standing = TierStanding.objects.get(partner=acme)
    assert standing.won_value == Decimal("3500.00")
    assert standing.missing_rates == []


def test_it_promotes_on_converted_value(program, tiers, acme):
    ExchangeRateFactory(
        currency="GBP", rate_to_base=Decimal("1.25"), effective_date=date(2026, 1, 1)
    )
    for _ in range(5):
        won(acme, "40000", currency="GBP", closed_at=NOW - timedelta(days=2))  # 5 × 50,000 USD

    evaluate_tiers(NOW)

    [proposal] = open_proposals(acme)
    assert proposal.proposed_tier == tiers["Silver"]
    assert proposal.figures["won_value"] == "250000.00"


def test_it_flags_a_missing_rate_instead_of_counting_it_as_zero(program, tiers, bob, alice):
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Silver"], manager=bob)
    # the rate starts after the deals closed: no rate was in force on their close dates
    ExchangeRateFactory(
        currency="JPY", rate_to_base=Decimal("0.0067"), effective_date=date(2026, 6, 14)
    )
    for _ in range(5):
        won(partner, "40000000", currency="JPY", closed_at=NOW - timedelta(days=3))

    result = evaluate_tiers(NOW)
    evaluate_tiers(NOW + timedelta(days=60))  # well past the grace period

    assert result["missing_rates"] == 1
    standing = TierStanding.objects.get(partner=partner)
    assert standing.missing_rates == ["JPY"]
    assert standing.won_value == Decimal("0.00")
    assert standing.won_deals == 5
    # unsure figures never demote: the unconverted money might cover the requirement
    assert open_proposals(partner) == []
    assert standing.short_since is None
    # and the admins hear about the missing rate, once a day
    [note] = Notification.objects.filter(recipient=alice, kind="exchange_rate_missing").filter(
        key__contains="2026-06-15"
    )
    assert "JPY" in note.subject


def test_it_shows_what_was_not_converted_in_the_proposal(program, tiers, acme):
    for _ in range(5):
        won(acme, "50000", closed_at=NOW - timedelta(days=2))
    won(acme, "1234.50", currency="CHF", closed_at=NOW - timedelta(days=2))

    evaluate_tiers(NOW)

    [proposal] = open_proposals(acme)
    assert proposal.figures["won_value"] == "250000.00"
    assert proposal.figures["won_deals"] == 6
    assert proposal.figures["missing_rates"] == {"CHF": "1234.50"}


def test_it_refuses_to_approve_when_the_tier_changed_meanwhile(program, tiers, acme, bob):
    from apps.core.errors import ConditionsUnmet

    silver_business(acme)
    evaluate_tiers(NOW)
    [proposal] = open_proposals(acme)
    Partner.objects.filter(pk=acme.pk).update(tier=tiers["Gold"])

    with pytest.raises(ConditionsUnmet):
        proposal_transition(proposal=proposal, name="approve", actor=bob)
    assert tier_of(acme) == tiers["Gold"]
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_it_records_a_tier_set_by_hand_and_withdraws_the_overtaken_proposal(
    program, tiers, acme, bob, charlie
):
    from apps.tiers.services import tier_set_by_hand

    TierProposalFactory(partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"])
    won(acme, "1000", closed_at=NOW - timedelta(days=1))

    change = tier_set_by_hand(partner=acme, to_tier=tiers["Gold"], actor=bob, now=NOW)

    assert tier_of(acme) == tiers["Gold"]
    assert (change.from_tier, change.to_tier, change.actor) == (tiers["Bronze"], tiers["Gold"], bob)
    assert change.reason == "Set by hand by Bob."
    assert change.figures["won_value"] == "1000.00"
    assert TierProposal.objects.get(partner=acme).status == ProposalStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=charlie, kind="tier_change").count() == 1
    assert tier_set_by_hand(partner=acme, to_tier=tiers["Gold"], actor=bob) is None


def test_it_withdraws_the_open_proposal_of_a_partner_that_exited(program, tiers, acme):
    proposal = TierProposalFactory(
        partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.EXITED)

    result = evaluate_tiers(NOW)

    assert result["withdrawn"] == 1
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN
