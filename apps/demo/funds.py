"""Demo market development funds: the current half-year's period, Northwind's and Contoso's
allocations, and requests in most states — a draft, one waiting, one returned, one approved (its
claim due), one claimed with its invoice, one paid, one rejected — so "Funds", the queues and
"My funds" have something to show — and Northwind's registrations and a lead naming the
activities that produced them, so the return on funds shows real figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegistrationStatus
from apps.funds.models import FundRequest
from apps.funds.services import (
    allocation_create,
    fund_file_add,
    fund_request_create,
    fund_request_transition,
    period_create,
)
from apps.funds.services.attribution import attribute
from apps.leads.models import Lead

# A one-page PDF: the demo's invoice and proof of performance.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# title, activity, requested, path of transitions, approved, claimed
REQUESTS = [
    ("Partner summit booth", "event", "12000", ["submit", "approve", "claim", "approve_claim",
                                                 "pay"], "10000", "9400"),
    ("Security webinar series", "webinar", "4000", ["submit", "approve", "claim"], "3500", None),
    ("LinkedIn campaign Q2", "digital_campaign", "6000", ["submit", "approve"], "5000", None),
    ("Analyst report syndication", "content_syndication", "8000", ["submit", "return"], None,
     None),
    ("Sales bootcamp", "training", "3000", ["submit"], None, None),
    ("Trade fair giveaways", "other", "2500", ["submit", "reject"], None, None),
    ("Roundtable dinner", "event", "1500", [], None, None),
]  # fmt: skip


def _half_year(today: date) -> tuple[str, date, date]:
    if today.month <= 6:
        return f"{today.year}-H1", date(today.year, 1, 1), date(today.year, 6, 30)
    return f"{today.year}-H2", date(today.year, 7, 1), date(today.year, 12, 31)


def seed(ctx: dict) -> None:
    admin, manager = ctx["admin"], ctx["manager"]
    today = timezone.localdate()
    name, starts, ends = _half_year(today)
    period = period_create(
        name=name, starts_on=starts, ends_on=ends, budget=Decimal("250000"), actor=admin
    )
    deadline = max(ends, today + timedelta(days=60))
    northwind = allocation_create(
        period=period, partner=ctx["northwind"], amount=Decimal("40000"), currency="EUR",
        claim_deadline=deadline, actor=admin,
    )  # fmt: skip
    allocation_create(
        period=period, partner=ctx["contoso"], amount=Decimal("25000"), currency="EUR",
        claim_deadline=deadline, actor=admin,
    )  # fmt: skip
    nora = ctx["nora"]
    for title, activity, requested, path, approved, claimed in REQUESTS:
        r = fund_request_create(
            allocation=northwind,
            actor=nora,
            data={
                "activity_type": activity,
                "title": title,
                "description": "",
                "starts_on": today + timedelta(days=20),
                "ends_on": today + timedelta(days=21),
                "requested_amount": Decimal(requested),
                "expected_leads": 30,
                "expected_pipeline": Decimal(requested) * 20,
            },
        )
        inputs: dict[str, dict] = {
            "approve": {"approved_amount": Decimal(approved or requested)},
            "return": {"note": "Add the expected audience and the agenda."},
            "reject": {"reason": "Giveaways are outside the program's fund rules."},
            "claim": {
                "actual_cost": Decimal(claimed or approved or requested),
                "leads_created": 42,
                "registrations_created": 5,
            },  # fmt: skip
            "approve_claim": {"amount": Decimal(claimed or "0")},
            "pay": {"reference": "MDF-2026-0001", "paid_on": today},
        }
        for step in path:
            if step == "claim":
                for kind, label in (("invoice", "invoice"), ("proof", "photos")):
                    fund_file_add(
                        fund_request=r, kind=kind, upload=ContentFile(PDF, name=f"{label}.pdf"),
                        actor=nora,
                    )  # fmt: skip
            actor = nora if step in ("submit", "claim") else manager
            fund_request_transition(fund_request=r, name=step, actor=actor, **inputs.get(step, {}))
    _attribute(ctx["northwind"], manager)


# The activity each of Northwind's registrations came from, by its status: the summit (paid)
# brought the won deals, the webinars (claimed) the open ones.
CREDITED = {
    RegistrationStatus.WON: "Partner summit booth",
    RegistrationStatus.LOST: "Partner summit booth",
    RegistrationStatus.APPROVED: "Security webinar series",
    RegistrationStatus.SUBMITTED: "Security webinar series",
}


def _attribute(northwind, manager) -> None:
    requests = dict(FundRequest.objects.filter(partner=northwind).values_list("title", "pk"))
    for reg in DealRegistration.objects.filter(partner=northwind).order_by("submitted_at"):
        title = CREDITED.get(reg.status)
        if title:
            attribute("registration", reg, requests[title], partner_id=northwind.pk, actor=manager)
    lead = Lead.objects.filter(partner=northwind, registration__isnull=True).order_by("pk").first()
    if lead is not None:
        attribute("lead", lead, requests["LinkedIn campaign Q2"], partner_id=None, actor=manager)
