"""The funds, agreements, leads and enablement notifications are written in each recipient's
language (User.language), whatever the language of whoever caused them; their amounts and dates
too. The services' refusals answer in the caller's language (the API's Accept-Language)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apps.agreements.services import agreement_transition
from apps.core import sweeps
from apps.core.formatting import format_date, format_datetime
from apps.enablement.models import Certification
from apps.enablement.services import courses
from apps.funds.services import fund_request_transition
from apps.leads.services import lead_accept, lead_route
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from tests.enablement.factories import CourseFactory, quiz, right_answers
from tests.factories import AgreementFactory, PartnerUserFactory
from tests.funds.factories import allocation, member, request_in
from tests.leads.factories import LeadFactory, RuleFactory

pytestmark = pytest.mark.django_db


def _speaks(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@pytest.fixture
def _funds_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- funds ----------------------------------------------------------------------------------


def test_a_german_partner_reads_the_approval_and_its_amount_in_german(acme, bob, _funds_media):
    nina = member(acme)
    _speaks(nina, "de")
    r = request_in("submitted", allocation(acme), by=nina)
    with translation.override("en"):
        fund_request_transition(
            fund_request=r, name="approve", actor=bob, approved_amount=Decimal("3500.00")
        )
    r.refresh_from_db()
    n = Notification.objects.get(recipient=nina, kind="fund_approve")
    assert n.subject == f"Mittel genehmigt: {r.title}"
    with translation.override("de"):
        due = format_date(r.claim_due)
    assert n.body == (
        "Genehmigt: 3.500,00\xa0€. Reichen Sie die Abrechnung mit Rechnung und "
        f"Leistungsnachweis bis {due} ein."
    )


def test_the_manager_reads_english_though_the_partner_submitted_in_german(acme, bob, _funds_media):
    Partner.objects.filter(pk=acme.pk).update(manager=bob)
    nina = member(acme)
    r = request_in("draft", allocation(acme), by=nina)
    with translation.override("de"):
        fund_request_transition(fund_request=r, name="submit", actor=nina)
    n = Notification.objects.get(recipient=bob, kind="fund_submit")
    assert n.subject == f"Fund request to review: {r.title} ({acme.name})"


def test_the_claim_reminder_names_its_day_in_the_partners_language(acme, _funds_media):
    nina = member(acme)
    _speaks(nina, "de")
    r = request_in("approved", allocation(acme), by=nina)
    with translation.override("en"):
        sweeps.run(
            "fund_claim_deadlines",
            timezone.now() + (r.claim_due - timezone.localdate()) - timedelta(days=3),
        )
    n = Notification.objects.get(recipient=nina, kind="fund_claim_reminder")
    with translation.override("de"):
        due = format_date(r.claim_due)
    assert n.subject == f"Abrechnung fällig am {due}: {r.title}"


def test_a_funds_refusal_answers_in_german_through_the_api(acme, bob, api_for):
    r = request_in("submitted", allocation(acme, "5000.00"), amount="4000.00")
    staff = api_for(bob)
    over = staff.post(
        f"/api/v1/fund-requests/{r.pk}/transitions/approve/",
        {"approved_amount": "4000.01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert over.status_code == 400
    assert over.json()["approved_amount"] == [
        "Genehmigen Sie höchstens die angefragten 4.000,00\xa0€."
    ]
    english = staff.post(
        f"/api/v1/fund-requests/{r.pk}/transitions/approve/",
        {"approved_amount": "4000.01"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["approved_amount"] == ["Approve at most the €4,000.00 asked."]


# --- agreements ------------------------------------------------------------------------------


def test_a_german_partner_reads_that_an_agreement_awaits_their_signature(bob, charlie):
    _speaks(charlie, "de")
    agreement = AgreementFactory(partner=charlie.partner, title="Reseller 2027")
    with translation.override("en"):
        agreement_transition(agreement=agreement, name="send", actor=bob)
    n = Notification.objects.get(recipient=charlie)
    assert n.subject == "Eine Vereinbarung wartet auf Ihre Unterschrift: Reseller 2027"
    assert n.body == "Lesen und unterzeichnen Sie sie im Partnerportal."


def test_the_manager_reads_the_signature_in_english_though_the_partner_signed_in_german(
    bob, charlie
):
    partner = charlie.partner
    partner.manager = bob
    partner.save()
    start = timezone.localdate() + timedelta(days=10)
    agreement = AgreementFactory(partner=partner, status="sent", start_date=start)
    with translation.override("de"):
        agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    n = Notification.objects.get(recipient=bob)
    assert n.subject == f"{partner.name} signed {agreement.title}"
    assert n.body.startswith(
        f"Signed by C. It becomes active on its start date, {format_date(start)}."
    )


def test_an_agreement_refusal_answers_in_german_through_the_api(bob, charlie, api_for):
    agreement = AgreementFactory(partner=charlie.partner, status="sent")
    answer = api_for(charlie).post(
        f"/api/v1/agreements/{agreement.pk}/transitions/sign/",
        {"signed_by_name": "Charlie", "document_sha256": "0" * 64},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert answer.status_code == 400
    assert answer.json()["document_sha256"] == [
        "Das Dokument hat sich geändert, seit Sie es geöffnet haben: Lesen Sie es vor dem "
        "Unterzeichnen erneut."
    ]


# --- leads ----------------------------------------------------------------------------------


def test_the_manager_who_chose_german_reads_that_the_partner_accepted_the_lead(acme, bob, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH, manager=bob)
    _speaks(bob, "de")
    RuleFactory()
    lead = LeadFactory(company="Initech AG")
    now = timezone.now()
    with translation.override("en"):
        lead_route(lead=lead, now=now)
        lead.refresh_from_db()
        lead_accept(lead=lead, actor=charlie, now=now)
    n = Notification.objects.get(recipient=bob, kind="lead-accepted")
    assert n.subject == f"{acme.name} hat den Lead Initech AG angenommen"
    charlies = Notification.objects.get(recipient=charlie, kind="lead-assigned")
    assert charlies.subject.startswith("New lead: Initech AG")


def test_the_lead_reminder_writes_its_deadline_for_the_german_partner(acme, charlie):
    from apps.leads.services import lead_remind

    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    _speaks(charlie, "de")
    RuleFactory()
    lead = LeadFactory(company="Initech AG")
    now = timezone.now()
    lead_route(lead=lead, now=now)
    lead.refresh_from_db()
    with translation.override("en"):
        assert lead_remind(lead=lead, now=lead.accept_by)
    n = Notification.objects.get(recipient=charlie, kind="lead-reminder")
    with translation.override("de"):
        deadline = format_datetime(lead.accept_by)
    assert n.subject == "Die Hälfte der Zeit zur Annahme des Leads Initech AG ist verstrichen"
    assert n.body.startswith(f"Nehmen Sie ihn vor {deadline} an")


# --- enablement -----------------------------------------------------------------------------


def test_the_certification_reminder_is_german_for_the_german_person(acme):
    person = PartnerUserFactory(partner=acme, username="erin")
    _speaks(person, "de")
    admin = PartnerUserFactory(partner=acme, username="frank", partner_role="admin")
    course = CourseFactory(title="Technical integration basics", validity_months=12)
    made = quiz(course, ("Q?", ["yes", "no"]))
    earned = timezone.now() - timedelta(days=300)
    courses.attempt_submit(course=course, user=person, answers=right_answers(made), now=earned)
    cert = Certification.objects.get()
    with translation.override("en"):
        sweeps.run("certification_expiry", cert.expires_at - timedelta(days=30))
    mine = Notification.objects.get(recipient=person)
    with translation.override("de"):
        day = format_date(timezone.localdate(cert.expires_at))
    assert mine.subject == f"Ihre Zertifizierung „Technical integration basics“ läuft am {day} ab"
    theirs = Notification.objects.get(recipient=admin)
    assert theirs.subject.endswith(
        f"“Technical integration basics” certification expires on "
        f"{format_date(timezone.localdate(cert.expires_at))}"
    )


# --- applications and people: e-mails to an applicant, who has no account --------------------


def _apply_in(language: str):
    from apps.applications.services import application_submit
    from apps.program.models import PartnerType

    with translation.override(language):
        return application_submit(
            fields={
                "company": "Initech Partners",
                "website": "https://www.initech.de",
                "country": "DE",
                "contact_name": "Peter Gibbons",
                "contact_email": "peter@initech.de",
            },
            partner_type=PartnerType.objects.get(key="reseller"),
            answers={},
        )


def test_an_applicant_who_applied_in_german_reads_the_decline_in_german(bob):
    from apps.applications.services import application_transition

    application = _apply_in("de")
    with translation.override("en"):
        application_transition(
            application=application, name="decline", actor=bob, reason="Not now."
        )
    n = Notification.objects.get(kind="application-declined")
    assert n.subject == "Ihre Partnerbewerbung, Initech Partners"
    assert n.body.endswith("Not now.") and "Vielen Dank" in n.body


def test_an_accepted_german_applicant_is_invited_in_german(bob):
    from apps.applications.services import application_transition

    application = _apply_in("de")
    with translation.override("en"):
        application_transition(application=application, name="accept", actor=bob)
    n = Notification.objects.get(kind="invitation")
    assert n.subject == "Sie sind zum Partnerportal von Initech Partners eingeladen"


def test_an_english_applicant_reads_english_though_the_manager_decides_in_german(bob):
    from apps.applications.services import application_transition

    application = _apply_in("en")
    with translation.override("de"):
        application_transition(
            application=application, name="decline", actor=bob, reason="Not now."
        )
    n = Notification.objects.get(kind="application-declined")
    assert n.subject == "Your partner application, Initech Partners"
