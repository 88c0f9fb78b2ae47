"""A tier's benefits take effect where other apps read them: the protection window of newly
approved registrations (deals) and the cadence of scheduled QBRs (qbrs)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.deals.services import registration_transition
from apps.partners.models import Partner, Stage
from apps.qbrs.models import QBR
from apps.qbrs.sweeps import qbr_scheduling
from apps.tiers.services import evaluate_tiers, proposal_transition
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory
from tests.tiers.factories import won

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def approve(partner, bob, at):
    registration = RegistrationFactory(partner=partner, submitted_at=at - timedelta(hours=1))
    return registration_transition(registration=registration, name="approve", actor=bob, now=at)


def promote(partner, bob, tiers, target="Gold"):
    """Promotion the way it happens: the evaluation proposes, the manager approves."""
    value, deals = tiers[target].min_won_value, tiers[target].min_won_deals
    for _ in range(deals):
        won(partner, value / deals, closed_at=NOW - timedelta(days=2))
    evaluate_tiers(NOW)
    [proposal] = partner.tier_proposals.filter(status="open")
    assert proposal.proposed_tier == tiers[target]
    proposal_transition(proposal=proposal, name="approve", actor=bob, now=NOW)
    return Partner.objects.select_related("tier").get(pk=partner.pk)


def test_it_protects_newly_approved_registrations_for_the_tiers_days(program, tiers, acme, bob):
    before = approve(acme, bob, NOW - timedelta(hours=2))
    assert before.expires_at == NOW - timedelta(hours=2) + timedelta(days=90)  # Bronze

    acme = promote(acme, bob, tiers, "Gold")
    after = approve(acme, bob, NOW + timedelta(hours=1))

    assert after.expires_at == NOW + timedelta(hours=1) + timedelta(days=180)  # Gold
    # a registration approved earlier keeps the window it was given
    before.refresh_from_db()
    assert before.expires_at == NOW - timedelta(hours=2) + timedelta(days=90)


def test_it_follows_an_admins_change_to_the_tiers_protection(
    program, tiers, acme, bob, client_for, alice
):
    from decimal import Decimal

    data = {
        "name": "Bronze",
        "rank": 1,
        "min_won_value": Decimal("0"),
        "min_won_deals": 0,
        "protection_days": 45,
        "discount_percent": Decimal("0"),
        "qbr_cadence_months": 6,
    }
    assert (
        client_for(alice).post(f"/tiers/settings/{tiers['Bronze'].pk}/edit/", data).status_code
        == 302
    )

    registration = approve(Partner.objects.get(pk=acme.pk), bob, NOW)

    assert registration.expires_at == NOW + timedelta(days=45)


def test_it_schedules_qbrs_at_the_tiers_cadence(program, tiers, bob):
    anchor = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    bronze = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], stage_entered_at=anchor)
    silver = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Silver"], stage_entered_at=anchor)
    gold = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Gold"], stage_entered_at=anchor)

    qbr_scheduling(NOW)

    def day(partner):
        return QBR.objects.get(partner=partner).scheduled_for.date()

    assert day(bronze) == date(2026, 12, 1)  # every 6 months
    assert day(silver) == date(2026, 9, 1)  # every 3 months
    assert day(gold) == date(2026, 7, 1)  # every month


def test_it_schedules_the_next_qbr_at_the_new_tiers_cadence_after_a_promotion(program, tiers, bob):
    anchor = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    partner = PartnerFactory(
        stage=Stage.GROWTH, tier=tiers["Bronze"], manager=bob, stage_entered_at=anchor
    )

    partner = promote(partner, bob, tiers, "Gold")
    qbr_scheduling(NOW)

    # Gold: every month from the anchor (Bronze would have waited six months, to December)
    assert QBR.objects.get(partner=partner).scheduled_for.date() == date(2026, 7, 1)
