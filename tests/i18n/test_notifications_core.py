"""The notifications of QBRs, tiers, onboarding, deal sweeps and the partner lifecycle are written
in each recipient's language (User.language), whoever caused them and in whatever language; and
the deal and tier services' refusals reach the API in the caller's Accept-Language."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from apps.core import sweeps
from apps.core.formatting import format_date, format_datetime
from apps.deals.sweeps import deal_expiry
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from apps.partners.services import partner_transition
from apps.qbrs.models import Status
from apps.qbrs.services import qbr_transition
from apps.qbrs.sweeps import qbr_reminders
from apps.tiers.services.changes import proposal_transition
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.qbrs.factories import QBRFactory
from tests.tiers.factories import TierProposalFactory, make_tiers

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def speaks_german(user):
    user.language = "de"
    user.save(update_fields=["language"])
    return user


def in_german(function, *args):
    with translation.override("de"):
        return function(*args)


def only(user, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


@pytest.fixture
def looped(bob):
    """Acme in growth, managed by bob."""
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


# --- QBRs -------------------------------------------------------------------------------------


def test_the_qbr_reminder_is_in_the_partner_users_language_and_the_managers_in_english(looped, bob):
    ingrid = speaks_german(PartnerUserFactory(partner=looped, username="ingrid"))
    when = NOW + timedelta(days=6, hours=2)
    QBRFactory(partner=looped, status=Status.SCHEDULED, quarter="2026-Q4", scheduled_for=when)
    with translation.override("en"):
        qbr_reminders(NOW)
    n = only(ingrid, "qbr_reminder")
    written = in_german(format_datetime, when)
    assert n.subject == f"Ihr QBR 2026-Q4 am {written}"
    assert n.body.startswith(f"Ihr QBR 2026-Q4 findet am {written} statt.")
    assert only(bob, "qbr_reminder").subject == (
        f"Acme Resellers: QBR 2026-Q4 on {format_datetime(when)}"
    )


def test_the_overdue_qbr_alert_is_in_the_managers_language(looped, bob):
    speaks_german(bob)
    when = NOW - timedelta(days=1)
    QBRFactory(partner=looped, status=Status.SCHEDULED, quarter="2026-Q4", scheduled_for=when)
    with translation.override("en"):
        qbr_reminders(NOW)
    n = only(bob, "qbr_overdue")
    assert n.subject == "Acme Resellers: QBR 2026-Q4 ist überfällig"
    assert (
        n.body
        == f"Er war für {in_german(format_datetime, when)} angesetzt und hat nicht stattgefunden."
    )


def test_the_qbr_summary_is_in_the_partner_users_language(looped, bob):
    ingrid = speaks_german(PartnerUserFactory(partner=looped, username="ingrid"))
    qbr = QBRFactory(partner=looped, status=Status.IN_PROGRESS, quarter="2026-Q4")
    with translation.override("en"):
        qbr_transition(qbr=qbr, name="complete", actor=bob, now=NOW, outcome="continue")
    n = only(ingrid, "qbr_completed")
    assert n.subject == "Ihre QBR-Zusammenfassung für 2026-Q4 liegt vor"
    assert n.body.startswith("Die Zusammenfassung Ihres QBR 2026-Q4 liegt vor")


# --- tiers ------------------------------------------------------------------------------------


def test_an_approved_tier_change_is_in_each_recipients_language(looped, bob, alice):
    tiers = make_tiers()
    Partner.objects.filter(pk=looped.pk).update(tier=tiers["Bronze"])
    ingrid = speaks_german(PartnerUserFactory(partner=looped, username="ingrid"))
    speaks_german(bob)
    proposal = TierProposalFactory(
        partner=looped, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )
    with translation.override("en"):
        proposal_transition(proposal=proposal, name="approve", actor=alice, now=NOW)
    partner_side = only(ingrid, "tier_change")
    assert partner_side.subject == "Ihr Unternehmen ist jetzt Silver"
    assert partner_side.body.startswith("Ihre Partnerstufe hat sich von Bronze zu Silver geändert.")
    assert only(bob, "tier_change").subject == "Acme Resellers auf Silver hochgestuft"


def test_no_tier_is_named_in_the_recipients_language(looped, alice):
    tiers = make_tiers()
    Partner.objects.filter(pk=looped.pk).update(tier=tiers["Bronze"])
    ingrid = speaks_german(PartnerUserFactory(partner=looped, username="ingrid"))
    proposal = TierProposalFactory(
        partner=looped,
        direction="demotion",
        current_tier=tiers["Bronze"],
        proposed_tier=None,
    )
    with translation.override("en"):
        proposal_transition(proposal=proposal, name="approve", actor=alice, now=NOW)
    assert only(ingrid, "tier_change").subject == "Ihr Unternehmen ist jetzt Keine Stufe"


# --- onboarding -------------------------------------------------------------------------------


def test_the_onboarding_reminders_are_in_each_recipients_language(bob):
    due = date(2026, 12, 31)
    partner = PartnerFactory(
        name="Initech", stage=Stage.ONBOARDING, manager=bob, onboarding_due_date=due
    )
    ingrid = speaks_german(PartnerUserFactory(partner=partner, username="ingrid"))
    with translation.override("en"):
        sweeps.run("onboarding_deadlines", datetime.combine(due - timedelta(days=7), time(9), UTC))
    n = only(ingrid, "onboarding_due")
    assert n.subject == "Ihr Onboarding ist in 7 Tagen fällig"
    assert n.body == "Schließen Sie Ihre Onboarding-Checkliste bis zum 31.12.2026 ab."
    assert only(bob, "onboarding_due").subject == "Initech: onboarding due in 7 days"


# --- deal sweeps ------------------------------------------------------------------------------


def test_the_expiry_warning_is_in_the_partner_users_language(acme, charlie, bob):
    speaks_german(charlie)
    end = timezone.now().replace(microsecond=0) + timedelta(days=30)
    reg = RegistrationFactory(partner=acme, approved=True, expires_at=end)
    with translation.override("en"):
        deal_expiry(end - timedelta(days=14))
    n = only(charlie, "deal_expiry_reminder")
    day = in_german(format_date, end)
    assert n.subject == f"Schutz endet am {day}: {reg.customer_name}"
    assert n.body.startswith(f"Der Schutz von {reg.customer_name} endet am {day} (noch 14 Tage).")


# --- the partner lifecycle --------------------------------------------------------------------


def test_the_manager_reads_the_stage_change_in_their_language(looped, bob, alice):
    speaks_german(bob)
    with translation.override("en"):
        partner_transition(partner=looped, name="start_evaluation", actor=alice, now=NOW)
    n = only(bob, "partner-stage")
    assert n.subject == "Acme Resellers ist jetzt in der Bewertungsphase"
    assert n.body == "Acme Resellers: Bewertung beginnen."


# --- service refusals through the API ---------------------------------------------------------


def test_a_deal_services_refusal_is_in_the_callers_language(api_for, looped, globex, bob):
    RegistrationFactory(partner=globex, approved=True, customer_domain="initech.example")
    reg = RegistrationFactory(partner=looped, customer_domain="initech.example")
    r = api_for(bob).post(
        f"/api/v1/deal-registrations/{reg.pk}/transitions/approve/", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "domain_protected"
    assert r.json()["detail"] == (
        "Eine genehmigte Registrierung eines anderen Partners schützt initech.example bereits; "
        "solange das so ist, kann diese nicht genehmigt werden."
    )


def test_a_tier_services_refusal_is_in_the_callers_language(api_for, acme, bob):
    tiers = make_tiers()
    proposal = TierProposalFactory(
        partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )
    proposal_transition(proposal=proposal, name="dismiss", actor=bob)
    r = api_for(bob).post(
        f"/api/v1/tier-proposals/{proposal.pk}/transitions/dismiss/", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "transition_not_allowed"
    assert r.json()["detail"] == "„Verwerfen“ ist nicht möglich, solange verworfen."
