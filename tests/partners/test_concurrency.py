from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.core.errors import ConcurrentChange, DomainError
from apps.partners.models import Partner, Stage, StageHistory
from apps.partners.services import partner_transition
from tests.factories import ManagerFactory, PartnerFactory


@pytest.mark.django_db
def test_it_refuses_a_transition_on_a_stale_copy(bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    mine, theirs = Partner.objects.get(pk=partner.pk), Partner.objects.get(pk=partner.pk)
    partner_transition(partner=mine, name="start_evaluation", actor=bob)
    with pytest.raises(ConcurrentChange):
        partner_transition(partner=theirs, name="exit", actor=bob, reason="stale")
    assert Partner.objects.get(pk=partner.pk).stage == Stage.EVALUATION
    assert StageHistory.objects.filter(partner=partner).count() == 1


@pytest.mark.django_db
def test_it_answers_409_concurrent_change_in_the_api(api_for, bob, monkeypatch):
    from apps.partners.api import PartnerViewSet

    partner = PartnerFactory(stage=Stage.GROWTH)
    stale = Partner.objects.get(pk=partner.pk)
    partner_transition(partner=partner, name="start_evaluation", actor=bob)
    monkeypatch.setattr(PartnerViewSet, "get_object", lambda self: stale)
    response = api_for(bob).post(
        f"/api/v1/partners/{partner.pk}/transitions/exit/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_change"


@pytest.mark.django_db(transaction=True)
def test_it_applies_one_of_two_concurrent_transitions_on_postgres():
    """Two real connections load the same partner, then race: exactly one transition applies."""
    partner = PartnerFactory(stage=Stage.GROWTH)
    ann, ben = ManagerFactory(), ManagerFactory()
    loaded = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(actor, name, reason):
        try:
            copy = Partner.objects.get(pk=partner.pk)  # this thread's own connection
            loaded.wait(timeout=10)
            partner_transition(partner=copy, name=name, actor=actor, reason=reason)
            results[name] = "applied"
        except DomainError as exc:
            results[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(ann, "start_evaluation", "")),
        threading.Thread(target=run, args=(ben, "exit", "Leaving")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["applied", "concurrent_change"], results
    partner.refresh_from_db()
    history = list(StageHistory.objects.filter(partner=partner))
    assert len(history) == 1
    assert history[0].to_stage == partner.stage
    winner = "start_evaluation" if results["start_evaluation"] == "applied" else "exit"
    assert history[0].transition == winner


@pytest.mark.django_db(transaction=True)
def test_it_applies_the_same_transition_once_when_two_run_it_at_once():
    partner = PartnerFactory(stage=Stage.GROWTH)
    actors = [ManagerFactory(), ManagerFactory()]
    loaded = threading.Barrier(2)
    outcomes: list[str] = []

    def run(actor):
        try:
            copy = Partner.objects.get(pk=partner.pk)
            loaded.wait(timeout=10)
            partner_transition(partner=copy, name="start_evaluation", actor=actor)
            outcomes.append("applied")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["applied", "concurrent_change"]
    assert StageHistory.objects.filter(partner=partner).count() == 1
