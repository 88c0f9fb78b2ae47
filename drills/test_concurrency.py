"""N parallel requests for one effect: exactly one succeeds, the rest answer 409."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from apps.deals.models import DealRegistration, RegistrationEvent
from apps.partners.models import Partner, Stage, StageHistory
from tests.factories import ManagerFactory, PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)
N = 8


def race(calls) -> Counter:
    """Run the callables at the same instant on their own threads (own DB connections)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # a crash is a result too: it must not happen
            results[i] = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return Counter(results)


def test_parallel_approvals_of_conflicting_registrations_approve_one(api_for):
    from tests.deals.factories import RegistrationFactory

    bob = ManagerFactory()
    regs = [
        RegistrationFactory(
            partner=PartnerFactory(stage=Stage.GROWTH, manager=bob),
            customer_domain="contested.example",
        )
        for _ in range(N)
    ]
    outcome = race(
        [
            (
                lambda r=r: (
                    api_for(bob)
                    .post(f"/api/v1/deal-registrations/{r.pk}/transitions/approve/")
                    .status_code
                )
            )
            for r in regs
        ]
    )
    print(f"\nparallel approvals: {dict(outcome)}")
    assert outcome == Counter({200: 1, 409: N - 1})
    assert DealRegistration.objects.filter(status="approved").count() == 1
    assert RegistrationEvent.objects.filter(transition="approve").count() == 1


def test_parallel_transitions_of_one_partner_apply_one(api_for):
    bob = ManagerFactory()
    partner = PartnerFactory(stage=Stage.GROWTH, manager=bob)
    outcome = race(
        [
            (
                lambda: (
                    api_for(bob)
                    .post(
                        f"/api/v1/partners/{partner.pk}/transitions/start_evaluation/",
                        {"note": "race"},
                        format="json",
                    )
                    .status_code
                )
            )
            for _ in range(N)
        ]
    )
    print(f"\nparallel partner transitions: {dict(outcome)}")
    assert outcome == Counter({200: 1, 409: N - 1})
    assert Partner.objects.get().stage == Stage.EVALUATION
    assert StageHistory.objects.filter(transition="start_evaluation").count() == 1


def test_parallel_qbr_completions_complete_one(api_for):
    from tests.qbrs.factories import QBRFactory

    bob = ManagerFactory()
    partner = PartnerFactory(stage=Stage.EVALUATION, manager=bob)
    qbr = QBRFactory(partner=partner, status="in_progress")
    outcome = race(
        [
            (
                lambda: (
                    api_for(bob)
                    .post(
                        f"/api/v1/qbrs/{qbr.pk}/transitions/complete/",
                        {"outcome": "continue", "satisfaction_score": 8},
                        format="json",
                    )
                    .status_code
                )
            )
            for _ in range(N)
        ]
    )
    print(f"\nparallel QBR completions: {dict(outcome)}")
    assert outcome == Counter({200: 1, 409: N - 1})
    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH
    assert StageHistory.objects.filter(transition="continue_growth").count() == 1
