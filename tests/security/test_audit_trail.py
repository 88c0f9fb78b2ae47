"""The audit trail: an entry for every state change (any state machine, any door) and for every
refused access."""

from __future__ import annotations

import pytest
from django.apps import apps
from django_fsm import FSMField

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_transition_through_the_api_is_recorded_with_its_actor(world, api_for, bob):
    reg = world["registration"]
    response = api_for(bob).post(f"/api/v1/deal-registrations/{reg.pk}/transitions/approve/")
    assert response.status_code == 200
    # (the world's fund request was approved too, by its factory)
    event = AuditEvent.objects.get(action="approve", object_type="deals.dealregistration")
    assert event.object_id == str(reg.pk)
    assert event.actor == bob and event.outcome == "done"
    assert event.detail == {"from": "submitted", "to": "approved"}


def test_a_transition_through_a_page_is_recorded(world, client_for, bob):
    partner = world["partner"]
    client_for(bob).post(
        f"/partners/{partner.pk}/transitions/start_evaluation/",
        {"note": "x", "from_stage": "growth"},
    )
    partner.refresh_from_db()
    assert partner.stage == "evaluation"
    event = AuditEvent.objects.get(action="start_evaluation")
    assert event.actor == bob and event.object_id == str(partner.pk)


def test_a_refused_transition_leaves_no_state_change_entry(world, api_for, bob):
    qbr = world["qbr"]  # completed: cannot start
    before = AuditEvent.objects.filter(outcome="done").count()  # the world's own making
    response = api_for(bob).post(f"/api/v1/qbrs/{qbr.pk}/transitions/start/")
    assert response.status_code == 409
    assert AuditEvent.objects.filter(outcome="done").count() == before


def test_a_system_transition_is_recorded_without_an_actor(world):
    from django.utils import timezone

    from apps.deals.services import registration_transition

    reg = world["registration"]
    registration_transition(registration=reg, name="reject", actor=None, reason="dup")
    event = AuditEvent.objects.get(action="reject")
    assert event.actor is None
    assert event.at <= timezone.now()


@pytest.mark.parametrize(
    "url_of",
    [
        lambda w: f"/api/v1/deal-registrations/{w['registration'].pk}/",
        lambda w: f"/portal/registrations/{w['registration'].pk}/",
        lambda w: f"/portal/qbrs/{w['qbr'].pk}/",
    ],
)
def test_another_companys_attempt_is_recorded_as_refused(url_of, world, client_for, api_for, dave):
    url = url_of(world)
    c = api_for(dave) if url.startswith("/api/") else client_for(dave)
    assert c.get(url).status_code == 404
    event = AuditEvent.objects.get(outcome="refused")
    assert event.actor == dave and event.detail["status"] == 404
    assert event.detail["path"] == url


def test_a_role_refusal_is_recorded(client_for, bob):
    assert client_for(bob).get("/program/").status_code == 403
    event = AuditEvent.objects.get(outcome="refused")
    assert event.actor == bob and event.detail["status"] == 403


def test_an_anonymous_api_refusal_is_recorded(api_for):
    assert api_for(None).get("/api/v1/partners/").status_code in (401, 403)
    assert AuditEvent.objects.filter(outcome="refused", actor=None).count() == 1


def test_every_state_machine_is_covered():
    """post_transition fires for every FSMField model; the receiver is connected once for all."""
    from django_fsm.signals import post_transition

    machines = [
        m for m in apps.get_models() if any(isinstance(f, FSMField) for f in m._meta.fields)
    ]
    assert len(machines) >= 4  # partners, agreements, registrations, QBRs (+ tier proposals)
    assert any(
        getattr(r[1], "__name__", "") == "record_transition" or "audit" in str(r[0])
        for r in post_transition.receivers
    )
