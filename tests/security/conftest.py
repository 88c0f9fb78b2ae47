"""The security suite's world: Acme (charlie's company) owns one of everything, each carrying a
marker string; Globex's dave must never see any of it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from apps.enablement.models import (
    Attempt,
    Certification,
    Choice,
    Course,
    Lesson,
    PartnerDocument,
    Question,
)
from apps.enablement.services import resource_create, resource_open
from apps.enablement.services.courses import attempt_submit
from apps.funds.services import fund_file_add
from apps.locator.models import Listing
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from apps.people.models import Contact
from apps.people.services import invitation_create
from tests.factories import (
    AgreementFactory,
    PartnerFactory,
    PartnerTypeFactory,
    PartnerUserFactory,
    TaskFactory,
)
from tests.funds.factories import allocation as fund_allocation
from tests.funds.factories import pdf, request_in

MARKERS = (
    "Zqxmarker Customer",
    "Zqxmarker Agreement",
    "Zqxmarker task",
    "Zqxmarker notice",
    "Zqxmarker action",
    "zqxmarker-notes",
    "Zqxmarker contact",
    "zqxmarker-invitee",
    "Zqxmarker listing",  # acme's listing, not opted in: seen by nobody outside acme
    "Zqxmarker comment",
    "zqxmarker-file",
    "Zqxmarker resource",
    "Zqxmarker document",
    "Zqxmarker course",
    "Zqxmarker fund",
)


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def globex(db, bob):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def charlie(acme):
    return PartnerUserFactory(username="charlie", partner=acme)


@pytest.fixture
def dave(globex):
    return PartnerUserFactory(username="dave", partner=globex)


@pytest.fixture
def world(acme, globex, charlie, dave, alice, bob, settings, tmp_path):

    from apps.deals.services import attachment_add, comment_create
    from apps.exchange.models import ImportBatch
    from tests.deals.factories import RegistrationFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    from tests.qbrs.factories import ActionItemFactory, QBRFactory

    registration = RegistrationFactory(
        partner=acme, customer_name="Zqxmarker Customer Inc", customer_domain="zqxmarker.example"
    )
    settings.MEDIA_ROOT = tmp_path
    comment_create(registration=registration, author=charlie, body="Zqxmarker comment")
    attachment = attachment_add(
        registration=registration,
        uploader=charlie,
        upload=SimpleUploadedFile("zqxmarker-file.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    agreement = AgreementFactory(partner=acme, title="Zqxmarker Agreement", status="sent")
    task = TaskFactory(partner=acme, title="Zqxmarker task", owner_side="partner")
    qbr = QBRFactory(
        partner=acme,
        status="completed",
        outcome="continue",
        notes="zqxmarker-notes",
        scheduled_for=timezone.now() - timedelta(days=3),
        completed_at=timezone.now() - timedelta(days=3),
    )
    item = ActionItemFactory(qbr=qbr, title="Zqxmarker action", owner_side="partner")
    notification = Notification.objects.create(
        recipient=charlie, kind="test", subject="Zqxmarker notice", key="zqx:1"
    )
    contact = Contact.objects.create(
        partner=acme, name="Zqxmarker contact", email="zqxmarker-contact@acme.example"
    )
    invitation = invitation_create(
        partner=acme,
        email="zqxmarker-invitee@acme.example",
        partner_role="member",
        invited_by=bob,
    )
    # The library: a resource for resellers (acme) that Globex, an integrator here, is outside
    # of; a document made for acme and shared with its portal.
    Partner.objects.filter(pk=globex.pk).update(
        partner_type=PartnerTypeFactory(key="integrator", name="System integrator")
    )
    resource = resource_create(
        actor=bob,
        upload=SimpleUploadedFile("guide.pdf", _blank_pdf(), content_type="application/pdf"),
        title="Zqxmarker resource",
        kind="training",
        phase="growth",
        content="file",
        is_template=True,
        partner_types=["reseller"],
        published=True,
    )
    document = PartnerDocument.objects.create(
        partner=acme,
        title="Zqxmarker document",
        body="Zqxmarker document",
        shared_with_partner=True,
    )
    course = _course(resource, charlie)
    listing = Listing.objects.create(
        partner=acme, public_name="Zqxmarker listing", description="Not listed yet."
    )
    allocation = fund_allocation(acme)
    fund_request = request_in("approved", allocation, by=charlie, manager=bob)
    fund_request.title = "Zqxmarker fund webinar"
    fund_request.save(update_fields=["title"])
    fund_file = fund_file_add(
        fund_request=fund_request, kind="invoice", upload=pdf("zqx-invoice.pdf"), actor=charlie
    )
    # A request returned for changes, which its partner edits
    fund_returned = request_in("returned", allocation, amount="100.00", by=charlie, manager=bob)
    return {
        "fund_allocation": allocation,
        "fund_request": fund_request,
        "fund_returned": fund_returned,
        "fund_file": fund_file,
        "listing": listing,
        "resource": resource,
        "document": document,
        **course,
        "partner": acme,
        "user": charlie,
        "contact": contact,
        "invitation": invitation,
        "registration": registration,
        "attachment": attachment,
        "agreement": agreement,
        "task": task,
        "qbr": qbr,
        "action_item": item,
        "notification": notification,
        # A partner admin's contacts upload between its preview and its confirmation (portal).
        "import_batch": ImportBatch.objects.create(kind="contacts", created_by=charlie, rows=[]),
        "lead": _lead(acme),
        **_earnings(acme, registration, bob),
    }


def _earnings(acme, registration, bob) -> dict:
    """Acme's rebate on its registration, in an approved payout batch (what its finance users
    and admins read; Globex's never)."""
    from datetime import date
    from decimal import Decimal

    from apps.funds.models import EarningAccrual
    from apps.funds.services import payout_batch_create, payout_batch_transition

    earning = EarningAccrual.objects.create(
        registration=registration,
        partner=acme,
        tier_name="Gold",
        percent=Decimal("5"),
        won_value=Decimal("1000.00"),
        currency="USD",
        amount=Decimal("50.00"),
        base_currency="USD",
        amount_base=Decimal("50.00"),
        won_on=date(2026, 11, 3),
    )
    batch = payout_batch_create(period="2026-11", actor=bob)
    payout_batch_transition(batch=batch, name="approve", actor=bob)
    return {"earning": earning, "payout_batch": batch}


def _course(resource, charlie) -> dict:
    """A course for resellers (acme; Globex is outside it) whose lesson is the library's file,
    charlie's passed attempt and certification (ending within the renewal window, so he may
    take the quiz again), and an attempt he has open."""
    course = Course.objects.create(
        title="Zqxmarker course", phase="growth", partner_types=["reseller"], published=True
    )
    lesson = Lesson.objects.create(course=course, resource=resource, order=1)
    question = Question.objects.create(course=course, text="Zqxmarker question?", order=1)
    right = Choice.objects.create(question=question, text="Yes", correct=True, order=1)
    Choice.objects.create(question=question, text="No", correct=False, order=2)
    resource_open(resource=resource, user=charlie)
    finished = attempt_submit(course=course, user=charlie, answers={str(question.pk): [right.pk]})
    now = timezone.now()
    Certification.objects.filter(attempt=finished).update(expires_at=now + timedelta(days=10))
    attempt = Attempt.objects.create(
        course=course,
        user=charlie,
        partner_id=charlie.partner_id,
        question_order=[question.pk],
        started_at=now,
    )
    return {
        "course": course,
        "course_lesson": lesson,
        "course_question": question,
        "course_attempt": attempt,
        "finished_attempt": finished,
        "certification": Certification.objects.get(attempt=finished),
    }


def _lead(acme):
    from tests.leads.factories import LeadFactory

    return LeadFactory(
        company="Zqxmarker Lead Co",
        status="assigned",
        partner=acme,
        accept_by=timezone.now() + timedelta(hours=24),
        contact_email="zqxmarker-lead@lead.example",
    )
