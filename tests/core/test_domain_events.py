"""The domain events of docs/ARCHITECTURE.md: each is sent with its payload, after commit (or,
for the two atomic ones, inside the transaction), and its subscribers' effects happen."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.core.events import send_after_commit
from apps.deals.events import registration_approved, registration_submitted, registration_won
from apps.deals.models import DealRegistration, Status
from apps.deals.services import registration_create, registration_transition
from apps.partners.events import partner_tier_set
from apps.partners.models import Partner, Stage
from apps.partners.services import partner_update
from apps.qbrs.events import qbr_completed
from apps.qbrs.models import QBR
from apps.qbrs.models import Status as QBRStatus
from apps.qbrs.services import qbr_transition
from apps.tiers.events import tier_changed
from apps.tiers.models import Direction, ProposalStatus, TierChange, TierProposal
from apps.tiers.services import tier_set_by_hand
from tests.deals.factories import registration_in
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory
from tests.tiers.factories import TierProposalFactory, make_tiers

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def listening(signal):
    """The payloads `signal` carried while the block ran (sender included)."""
    heard: list[dict] = []

    def receiver(sender, signal=None, **payload):
        heard.append({"sender": sender, **payload})

    signal.connect(receiver, dispatch_uid="test-listening", weak=False)
    try:
        yield heard
    finally:
        signal.disconnect(dispatch_uid="test-listening")


@pytest.fixture
def active(bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


def registration_input() -> dict:
    return {
        "customer_name": "Initech LLC",
        "customer_domain": "initech.com",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.com",
        "product": "Analytics suite",
        "estimated_value": "125000.00",
        "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "description": "",
    }


def test_a_submission_is_announced_after_commit_with_ids(
    active, bob, django_capture_on_commit_callbacks
):
    with (
        listening(registration_submitted) as heard,
        django_capture_on_commit_callbacks(execute=True),
    ):
        reg = registration_create(partner=active, submitted_by=bob, data=registration_input())
        assert heard == []  # not before the commit
    assert heard == [
        {
            "sender": DealRegistration,
            "registration_id": reg.pk,
            "partner_id": active.pk,
            "status": Status.SUBMITTED,
            "actor_id": bob.pk,
        }
    ]


def test_approval_and_win_are_announced_with_the_state_reached(
    active, bob, django_capture_on_commit_callbacks
):
    reg = registration_in(Status.SUBMITTED, partner=active)
    with listening(registration_approved) as approved, listening(registration_won) as won:
        with django_capture_on_commit_callbacks(execute=True):  # noqa: SIM117 (two commits)
            registration_transition(registration=reg, name="approve", actor=bob)
        with django_capture_on_commit_callbacks(execute=True):
            registration_transition(registration=reg, name="mark_won", actor=bob)
    payload = {"sender": DealRegistration, "registration_id": reg.pk, "partner_id": active.pk}
    assert approved == [{**payload, "status": Status.APPROVED, "actor_id": bob.pk}]
    assert won == [{**payload, "status": Status.WON, "actor_id": bob.pk}]


def test_nothing_is_announced_for_a_change_that_rolled_back(active, bob):
    with (
        listening(registration_submitted) as heard,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        registration_create(partner=active, submitted_by=bob, data=registration_input())
        raise RuntimeError("rolled back")
    assert heard == []
    assert not DealRegistration.objects.exists()


def test_a_failing_subscriber_is_logged_and_the_change_stays(
    active, bob, caplog, django_capture_on_commit_callbacks
):
    def boom(**kwargs):
        raise RuntimeError("subscriber broke")

    registration_submitted.connect(boom, dispatch_uid="test-boom", weak=False)
    try:
        with (
            caplog.at_level(logging.ERROR, logger="apps.core.events"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            registration_create(partner=active, submitted_by=bob, data=registration_input())
    finally:
        registration_submitted.disconnect(dispatch_uid="test-boom")
    assert DealRegistration.objects.count() == 1
    assert "subscriber broke" in caplog.text


def test_send_after_commit_sends_at_once_outside_a_transaction(
    django_capture_on_commit_callbacks,
):
    with listening(qbr_completed) as heard, django_capture_on_commit_callbacks(execute=True):
        send_after_commit(qbr_completed, QBR, qbr_id=1)
    assert heard == [{"sender": QBR, "qbr_id": 1}]


def test_a_completed_qbr_is_announced(bob, django_capture_on_commit_callbacks):
    qbr = QBRFactory(partner=PartnerFactory(stage=Stage.EVALUATION), status=QBRStatus.IN_PROGRESS)
    with listening(qbr_completed) as heard, django_capture_on_commit_callbacks(execute=True):
        qbr_transition(qbr=qbr, name="complete", actor=bob, outcome="continue")
    assert heard == [
        {
            "sender": QBR,
            "qbr_id": qbr.pk,
            "partner_id": qbr.partner_id,
            "quarter": qbr.quarter,
            "outcome": "continue",
        }
    ]


def test_a_tier_set_on_the_partner_form_is_recorded_by_the_tiers_subscriber(
    bob, django_capture_on_commit_callbacks
):
    """partners writes the column and announces it (partner_tier_set, inside the transaction);
    tiers records the change, withdraws the overtaken proposal and announces tier_changed."""
    tiers = make_tiers()
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], manager=bob)
    proposal = TierProposalFactory(
        partner=partner, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )
    with (
        listening(partner_tier_set) as set_,
        listening(tier_changed) as changed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        partner_update(partner=partner, actor=bob, tier=tiers["Gold"])
    assert set_ == [
        {
            "sender": Partner,
            "partner": partner,
            "from_tier_id": tiers["Bronze"].pk,
            "actor": bob,
            "now": set_[0]["now"],
        }
    ]
    change = TierChange.objects.get(partner=partner)
    assert (change.from_tier, change.to_tier, change.actor) == (
        tiers["Bronze"],
        tiers["Gold"],
        bob,
    )
    assert change.reason.startswith("Set by hand by")
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN
    assert Partner.objects.get(pk=partner.pk).tier == tiers["Gold"]
    assert changed == [
        {
            "sender": TierChange,
            "change_id": change.pk,
            "partner_id": partner.pk,
            "from_tier_id": tiers["Bronze"].pk,
            "to_tier_id": tiers["Gold"].pk,
            "direction": Direction.PROMOTION,
        }
    ]


def test_the_tier_record_rolls_back_with_the_partner_form(bob):
    """The subscriber runs inside the partner's transaction: a failure undoes the tier too."""
    tiers = make_tiers()
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], manager=bob)

    def boom(**kwargs):
        raise RuntimeError("tiers failed")

    partner_tier_set.connect(boom, dispatch_uid="test-boom", weak=False)
    try:
        with pytest.raises(RuntimeError):
            partner_update(partner=partner, actor=bob, tier=tiers["Gold"])
    finally:
        partner_tier_set.disconnect(dispatch_uid="test-boom")
    assert Partner.objects.get(pk=partner.pk).tier == tiers["Bronze"]
    assert not TierChange.objects.exists()


def test_a_tier_set_by_hand_in_the_tiers_app_is_announced(bob, django_capture_on_commit_callbacks):
    tiers = make_tiers()
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Gold"], manager=bob)
    with listening(tier_changed) as changed, django_capture_on_commit_callbacks(execute=True):
        change = tier_set_by_hand(partner=partner, to_tier=tiers["Silver"], actor=bob)
    assert [(c["change_id"], c["direction"]) for c in changed] == [(change.pk, Direction.DEMOTION)]


def test_a_saved_exchange_rate_is_announced_after_commit(django_capture_on_commit_callbacks):
    from datetime import date
    from decimal import Decimal

    from apps.program.events import exchange_rate_saved
    from apps.program.models import ExchangeRate
    from apps.program.money import exchange_rate_save

    rate = ExchangeRate(
        currency="gbp", rate_to_base=Decimal("1.25"), effective_date=date(2026, 1, 5)
    )
    with listening(exchange_rate_saved) as heard:
        with django_capture_on_commit_callbacks() as pending:
            exchange_rate_save(rate=rate)
        assert heard == []  # not before the commit
        for callback in pending:
            callback()
    assert heard == [
        {"sender": ExchangeRate, "currency": "GBP", "effective_date": date(2026, 1, 5)}
    ]
