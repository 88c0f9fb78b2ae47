"""The acceptance sweep (explicit now): a reminder at half the deadline, recall and re-route at
the deadline, each once however often it runs; a repeat pass reads no lead it handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.core.sweeps import run
from apps.leads.models import Lead, LeadSettings, Outcome, Status
from apps.leads.services import lead_route
from apps.notifications.models import Notification
from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

from .factories import LeadFactory, RuleFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def first(bob):
    partner = PartnerFactory(name="First", stage=Stage.GROWTH, manager=bob)
    PartnerUserFactory(partner=partner, username="first-admin")
    return partner


def routed_lead():
    lead = LeadFactory()
    lead_route(lead=lead, now=T0)
    lead.refresh_from_db()
    return lead


def test_it_is_on_the_beat_schedule():
    assert "lead_acceptance" in settings.SWEEP_SCHEDULE


def test_reminder_at_half_the_deadline_once(first):
    RuleFactory()
    lead = routed_lead()
    assert run("lead_acceptance", T0 + timedelta(hours=12) - timedelta(seconds=1)) == {
        "reminded": 0, "recalled": 0,
    }  # fmt: skip
    assert run("lead_acceptance", T0 + timedelta(hours=12)) == {"reminded": 1, "recalled": 0}
    assert run("lead_acceptance", T0 + timedelta(hours=13)) == {"reminded": 0, "recalled": 0}
    assert Notification.objects.filter(kind="lead-reminder").count() == 1
    lead.refresh_from_db()
    assert lead.reminded and lead.status == Status.ASSIGNED


def test_at_the_deadline_it_recalls_and_reroutes_once(first, alice):
    RuleFactory()
    lead = routed_lead()
    second = PartnerFactory(name="Second", stage=Stage.GROWTH)
    deadline = T0 + timedelta(hours=24)
    assert run("lead_acceptance", deadline) == {"reminded": 0, "recalled": 1}
    assert run("lead_acceptance", deadline) == {"reminded": 0, "recalled": 0}
    lead.refresh_from_db()
    assert lead.status == Status.ASSIGNED and lead.partner == second
    assert lead.accept_by == deadline + timedelta(hours=24)
    lapsed, pending = lead.assignments.all()
    assert lapsed.outcome == Outcome.LAPSED and lapsed.partner == first
    # the second lapses too: the first is never chosen again, so it waits for a manager
    assert run("lead_acceptance", deadline + timedelta(hours=24)) == {"reminded": 0, "recalled": 1}
    lead.refresh_from_db()
    assert lead.status == Status.RECALLED and lead.partner is None
    assert Notification.objects.filter(kind="lead-unrouted").count() == 1
    assert run("lead_acceptance", deadline + timedelta(hours=48)) == {"reminded": 0, "recalled": 0}


def test_without_rerouting_the_lead_waits_for_a_manager(first):
    LeadSettings.objects.update_or_create(pk=1, defaults={"reroute_on_lapse": False})
    RuleFactory()
    lead = routed_lead()
    PartnerFactory(name="Second", stage=Stage.GROWTH)
    assert run("lead_acceptance", T0 + timedelta(days=2))["recalled"] == 1
    lead.refresh_from_db()
    assert lead.status == Status.RECALLED


def test_the_deadline_follows_the_setting(first):
    LeadSettings.objects.update_or_create(pk=1, defaults={"acceptance_hours": 4})
    RuleFactory()
    lead = routed_lead()
    assert lead.accept_by == T0 + timedelta(hours=4)
    assert run("lead_acceptance", T0 + timedelta(hours=2))["reminded"] == 1


def test_a_repeat_pass_reads_no_lead_it_handled(first):
    LeadSettings.objects.update_or_create(pk=1, defaults={"open_leads_cap": 1000})
    RuleFactory()
    for _ in range(5):
        routed_lead()
    LeadFactory.create_batch(20, status=Status.CLOSED)
    assert run("lead_acceptance", T0 + timedelta(hours=12))["reminded"] == 5
    result, scans = scans_of(
        lambda: run("lead_acceptance", T0 + timedelta(hours=13)), ("leads_lead",)
    )
    assert result == {"reminded": 0, "recalled": 0}
    assert_reads_nothing_handled(scans, {"leads_lead": None})
    assert Lead.objects.filter(status=Status.ASSIGNED).count() == 5
