"""PostgreSQL only: two sweeps at once, and two approvals of one proposal at once, act once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from apps.core.errors import DomainError
from apps.notifications.models import Notification
from apps.partners.models import Partner
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from apps.tiers.services import evaluate_tiers, proposal_transition
from tests.tiers.factories import won

pytestmark = [
    pytest.mark.django_db(transaction=True),
]
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def race(func, count=2):
    """Run func() in `count` threads (each with its own connection) released together."""
    barrier = threading.Barrier(count, timeout=20)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(func())
        except DomainError as exc:
            results.append(exc.code)
        except Exception as exc:  # the test reports it
            results.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_sweeps_at_once_propose_once(program, tiers, acme, bob):
    for _ in range(5):
        won(acme, "50000", closed_at=NOW - timedelta(days=1))

    results = race(lambda: evaluate_tiers(NOW)["proposed"])

    assert sorted(results) == [0, 1], results
    assert TierProposal.objects.filter(partner=acme, status=ProposalStatus.OPEN).count() == 1
    assert Notification.objects.filter(recipient=bob, kind="tier_proposal").count() == 1


def test_two_approvals_of_one_proposal_at_once_apply_once(program, tiers, acme, bob, alice):
    for _ in range(5):
        won(acme, "50000", closed_at=NOW - timedelta(days=1))
    evaluate_tiers(NOW)
    proposal = TierProposal.objects.get(partner=acme)

    results = race(
        lambda: (
            proposal_transition(
                proposal=TierProposal.objects.get(pk=proposal.pk), name="approve", actor=bob
            ).status
        )
    )

    assert sorted(map(str, results)) == ["approved", "transition_not_allowed"], results
    assert TierChange.objects.filter(partner=acme).count() == 1
    assert Partner.objects.get(pk=acme.pk).tier == tiers["Silver"]
