"""The security suite's world: Acme (charlie's company) owns one of everything, each carrying a
marker string; Globex's dave must never see any of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.funds.services import fund_file_add
from apps.notifications.models import Notification
from apps.partners.models import Stage
from apps.people.models import Contact
from apps.people.services import invitation_create
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory, TaskFactory
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
    "Zqxmarker fund",
)


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
    from tests.deals.factories import RegistrationFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    from tests.qbrs.factories import ActionItemFactory, QBRFactory

    registration = RegistrationFactory(
        partner=acme, customer_name="Zqxmarker Customer Inc", customer_domain="zqxmarker.example"
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
    allocation = fund_allocation(acme)
    fund_request = request_in("approved", allocation, by=charlie, manager=bob)
    fund_request.title = "Zqxmarker fund webinar"
    fund_request.save(update_fields=["title"])
    fund_file = fund_file_add(
        fund_request=fund_request, kind="invoice", upload=pdf("zqx-invoice.pdf"), actor=charlie
    )
    return {
        "fund_allocation": allocation,
        "fund_request": fund_request,
        "fund_file": fund_file,
        "partner": acme,
        "user": charlie,
        "contact": contact,
        "invitation": invitation,
        "registration": registration,
        "agreement": agreement,
        "task": task,
        "qbr": qbr,
        "action_item": item,
        "notification": notification,
    }
