"""Funds factories: a period with a budget, allocations written through the service (so the
ledger holds their `allocated` movement), and requests in any state reached through the
one transition service (so every state's ledger is the real one)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import PartnerRole, Role, User
from apps.funds.models import FundAllocation, FundPeriod, FundRequest
from apps.funds.services import (
    allocation_create,
    fund_file_add,
    fund_request_create,
    fund_request_transition,
)
from tests.factories import AdminFactory, ManagerFactory, PartnerUserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def period(budget: str = "100000.00", name: str = "2027-H1") -> FundPeriod:
    today = timezone.localdate()
    return FundPeriod.objects.create(
        name=name,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=150),
        budget=Decimal(budget),
        currency="EUR",
    )


def allocation(
    partner,
    amount: str = "10000.00",
    *,
    of: FundPeriod | None = None,
    deadline: date | None = None,
    currency: str = "EUR",
) -> FundAllocation:
    return allocation_create(
        period=of or period(),
        partner=partner,
        amount=Decimal(amount),
        currency=currency,
        claim_deadline=deadline or timezone.localdate() + timedelta(days=120),
        actor=_an_admin(),
    )


def _an_admin():
    return User.objects.filter(role=Role.ADMIN).order_by("pk").first() or AdminFactory()


def member(partner, role: str = PartnerRole.MEMBER):
    return PartnerUserFactory(partner=partner, partner_role=role)


REQUEST = {
    "activity_type": "webinar",
    "title": "Cloud migration webinar",
    "description": "Two sessions for DACH IT leads.",
    "starts_on": date(2027, 2, 1),
    "ends_on": date(2027, 2, 2),
    "requested_amount": Decimal("4000.00"),
    "expected_leads": 40,
    "expected_pipeline": Decimal("200000.00"),
}


def request_in(
    status: str,
    alloc: FundAllocation,
    *,
    amount: str = "4000.00",
    approved: str | None = None,
    by=None,
    manager=None,
) -> FundRequest:
    """A request brought to `status` along the ordinary path."""
    by = by or member(alloc.partner)
    manager = manager or ManagerFactory()
    r = fund_request_create(
        allocation=alloc, actor=by, data={**REQUEST, "requested_amount": Decimal(amount)}
    )
    path = {
        "draft": [],
        "submitted": ["submit"],
        "returned": ["submit", "return"],
        "rejected": ["submit", "reject"],
        "approved": ["submit", "approve"],
        "cancelled": ["cancel"],
        "claimed": ["submit", "approve", "files", "claim"],
        "claim_returned": ["submit", "approve", "files", "claim", "return"],
        "claim_approved": ["submit", "approve", "files", "claim", "approve_claim"],
        "claim_rejected": ["submit", "approve", "files", "claim", "reject_claim"],
        "paid": ["submit", "approve", "files", "claim", "approve_claim", "pay"],
        "expired": ["submit", "approve", "expire"],
    }[status]
    approved_amount = Decimal(approved or amount)
    inputs = {
        "return": {"note": "Add the agenda."},
        "reject": {"reason": "Outside the program's focus."},
        "approve": {"approved_amount": approved_amount},
        "claim": {"actual_cost": approved_amount, "leads_created": 31, "registrations_created": 4},
        "approve_claim": {"amount": approved_amount},
        "reject_claim": {"reason": "The invoice is for another event."},
        "pay": {"reference": "PAY-2027-001", "paid_on": date(2027, 3, 1)},
    }
    for name in path:
        if name == "files":
            fund_file_add(fund_request=r, kind="invoice", upload=pdf(), actor=by)
            fund_file_add(fund_request=r, kind="proof", upload=pdf("proof.pdf"), actor=by)
            continue
        actor = by if name in ("submit", "claim", "cancel") else manager
        if name == "expire":
            actor = None
        fund_request_transition(fund_request=r, name=name, actor=actor, **inputs.get(name, {}))
    r.refresh_from_db()
    return r
