"""A lead's life through the services: accept, reject (a reason; routed on, never back),
recall, convert once (with the deals' conflict detection), registration outcomes flowing back,
a partner's exit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.deals.models import DealRegistration
from apps.deals.services import registration_transition
from apps.leads.models import Outcome, Status
from apps.leads.services import (
    lead_accept,
    lead_assign,
    lead_close,
    lead_convert,
    lead_recall,
    lead_reject,
    lead_route,
)
from apps.partners.models import Partner, Stage
from apps.partners.services import partner_transition
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory, PartnerUserFactory

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()
CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def routed(acme, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    RuleFactory()
    lead = LeadFactory(estimated_value="5000", currency="EUR")
    lead_route(lead=lead, now=NOW)
    lead.refresh_from_db()
    assert lead.partner == acme
    return lead


def test_the_assigned_partner_accepts(routed, charlie):
    lead_accept(lead=routed, actor=charlie, now=NOW)
    routed.refresh_from_db()
    assert routed.status == Status.ACCEPTED and routed.accepted_at == NOW
    assert routed.assignments.get().outcome == Outcome.ACCEPTED


def test_another_partner_or_a_finance_user_may_not_accept(routed, dave, acme):
    with pytest.raises(NotPermitted):
        lead_accept(lead=routed, actor=dave)
    with pytest.raises(NotPermitted):
        lead_accept(lead=routed, actor=PartnerUserFactory(partner=acme, partner_role="finance"))
    member = PartnerUserFactory(partner=acme, partner_role="member")
    lead_accept(lead=routed, actor=member)


def test_a_reject_needs_a_reason_and_routes_on_never_back(routed, charlie, globex):
    with pytest.raises(InvalidInput):
        lead_reject(lead=routed, actor=charlie, note="  ")
    Partner.objects.filter(pk=globex.pk).update(stage=Stage.GROWTH)
    reason = RejectReasonFactory()
    lead_reject(lead=routed, actor=charlie, reason=reason, note="Too far", now=NOW)
    routed.refresh_from_db()
    assert routed.status == Status.ASSIGNED and routed.partner == globex
    first, second = routed.assignments.all()
    assert first.outcome == Outcome.REJECTED and first.reject_reason == reason
    assert first.note == "Too far" and second.outcome == Outcome.PENDING
    # globex rejects too: nobody left, the lead waits for a manager
    dave = PartnerUserFactory(partner=globex)
    lead_reject(lead=routed, actor=dave, reason=reason)
    routed.refresh_from_db()
    assert routed.status == Status.REJECTED_BY_PARTNER and routed.partner is None


def test_a_manager_may_not_assign_to_a_partner_that_rejected(routed, charlie, bob, acme):
    lead_reject(lead=routed, actor=charlie, note="No")
    routed.refresh_from_db()
    acme = Partner.objects.get(pk=acme.pk)
    with pytest.raises(DomainError) as refused:
        lead_assign(lead=routed, partner=acme, actor=bob)
    assert refused.value.code == "conditions_unmet"
    with pytest.raises(DomainError) as inactive:
        lead_assign(lead=routed, partner=PartnerFactory(), actor=bob)
    assert inactive.value.code == "partner_inactive"


def test_a_manager_recalls_and_assigns_by_hand(routed, bob, globex):
    lead_recall(lead=routed, actor=bob, now=NOW)
    routed.refresh_from_db()
    assert routed.status == Status.RECALLED and routed.partner is None
    assert routed.assignments.get().outcome == Outcome.RECALLED
    Partner.objects.filter(pk=globex.pk).update(stage=Stage.EXPANSION)
    globex = Partner.objects.get(pk=globex.pk)
    assignment = lead_assign(lead=routed, partner=globex, actor=bob, now=NOW)
    assert "by hand" in assignment.explanation
    routed.refresh_from_db()
    assert routed.partner == globex and routed.status == Status.ASSIGNED


def test_only_staff_recall_close_or_assign(routed, charlie, acme):
    with pytest.raises(NotPermitted):
        lead_recall(lead=routed, actor=charlie)
    with pytest.raises(NotPermitted):
        lead_close(lead=routed, actor=charlie)
    with pytest.raises(NotPermitted):
        lead_assign(lead=routed, partner=acme, actor=charlie)


def test_convert_creates_one_registration_prefilled_and_linked(routed, charlie):
    with pytest.raises(DomainError):
        lead_convert(lead=routed, actor=charlie, data={"expected_close_date": CLOSE})
    lead_accept(lead=routed, actor=charlie)
    registration = lead_convert(lead=routed, actor=charlie, data={"expected_close_date": CLOSE})
    routed.refresh_from_db()
    assert routed.status == Status.CONVERTED and routed.registration == registration
    assert registration.customer_domain == routed.domain
    assert registration.customer_name == routed.company
    assert registration.contact_email == routed.contact_email
    assert registration.partner_id == routed.partner_id
    with pytest.raises(DomainError):
        lead_convert(lead=routed, actor=charlie, data={"expected_close_date": CLOSE})
    assert DealRegistration.objects.filter(customer_domain=routed.domain).count() == 1


def test_conversion_runs_conflict_detection(routed, charlie, globex):
    other = RegistrationFactory(partner=globex, customer_domain=routed.domain)
    lead_accept(lead=routed, actor=charlie)
    registration = lead_convert(lead=routed, actor=charlie, data={"expected_close_date": CLOSE})
    assert registration.conflicts_found and other.pk in registration.conflicts_found


def test_a_bad_conversion_input_leaves_the_lead_accepted(routed, charlie):
    lead_accept(lead=routed, actor=charlie)
    with pytest.raises(InvalidInput):
        lead_convert(lead=routed, actor=charlie, data={})  # no expected close date
    routed.refresh_from_db()
    assert routed.status == Status.ACCEPTED and routed.registration is None


def test_the_registrations_outcome_flows_back(
    routed, charlie, bob, django_capture_on_commit_callbacks
):
    lead_accept(lead=routed, actor=charlie)
    registration = lead_convert(lead=routed, actor=charlie, data={"expected_close_date": CLOSE})
    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(registration=registration, name="approve", actor=bob)
    routed.refresh_from_db()
    assert routed.registration_status == "approved"
    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(registration=registration, name="mark_lost", actor=bob, reason="x")
    routed.refresh_from_db()
    assert routed.registration_status == "lost"


def test_an_exit_recalls_waiting_leads_and_closes_accepted_ones(routed, charlie, bob, acme):
    acme = Partner.objects.get(pk=acme.pk)
    accepted = LeadFactory()
    lead_assign(lead=accepted, partner=acme, actor=bob)
    lead_accept(lead=accepted, actor=charlie)
    partner_transition(partner=acme, name="exit", actor=bob, reason="Done")
    routed.refresh_from_db()
    accepted.refresh_from_db()
    assert routed.status == Status.RECALLED and routed.partner is None
    assert accepted.status == Status.CLOSED
