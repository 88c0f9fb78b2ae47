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

from . import inbox

# A one-page PDF: the demo's invoice and proof of performance.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# title, activity, requested, days from today to the activity, path of (transition, days ago),
# approved, claimed: each request on its own days, the summit held and paid, the webinars held
# and claimed this morning, the rest still to come.
REQUESTS: list[tuple[str, str, str, int, list[tuple[str, float]], str | None, str | None]] = [
    ("Partner summit booth", "event", "12000", -45, [("submit", 80), ("approve", 78),
     ("claim", 35), ("approve_claim", 30), ("pay", 25)], "10000", "9400"),
    ("Security webinar series", "webinar", "4000", -20, [("submit", 50), ("approve", 48),
     ("claim", 0.3)], "3500", None),
    ("LinkedIn lead-generation campaign", "digital_campaign", "6000", 15, [("submit", 12),
     ("approve", 10)], "5000", None),
    ("Analyst report syndication", "content_syndication", "8000", 30, [("submit", 6),
     ("return", 4)], None, None),
    ("Sales bootcamp", "training", "3000", 25, [("submit", 0.4)], None, None),
    ("Trade fair giveaways", "other", "2500", 40, [("submit", 9), ("reject", 7)], None, None),
    ("Roundtable dinner", "event", "1500", 50, [], None, None),
]  # fmt: skip


def _half_year(today: date) -> tuple[str, date, date]:
    if today.month <= 6:
        return f"{today.year}-H1", date(today.year, 1, 1), date(today.year, 6, 30)
    return f"{today.year}-H2", date(today.year, 7, 1), date(today.year, 12, 31)


def seed(ctx: dict) -> None:
    admin, manager = ctx["admin"], ctx["manager"]
    today = timezone.localdate()
    name, starts, ends = _half_year(today)
    # Set up before the first request of the half-year came in (they go back 80 days).
    planned = timezone.now() - timedelta(days=90)
    period = period_create(
        name=name, starts_on=starts, ends_on=ends, budget=Decimal("250000"), actor=admin,
        now=planned,
    )  # fmt: skip
    deadline = max(ends, today + timedelta(days=60))
    northwind = allocation_create(
        period=period, partner=ctx["northwind"], amount=Decimal("40000"), currency="EUR",
        claim_deadline=deadline, actor=admin, now=planned,
    )  # fmt: skip
    allocation_create(
        period=period, partner=ctx["contoso"], amount=Decimal("25000"), currency="EUR",
        claim_deadline=deadline, actor=admin, now=planned,
    )  # fmt: skip
    nora, now = ctx["nora"], timezone.now()
    for title, activity, requested, held, path, approved, claimed in REQUESTS:
        created = now - timedelta(days=path[0][1] if path else 1, hours=1)
        start = today + timedelta(days=held)
        with inbox.history(created, now=now):
            r = fund_request_create(
                allocation=northwind,
                actor=nora,
                data={
                    "activity_type": activity,
                    "title": title,
                    "description": "",
                    "starts_on": start,
                    "ends_on": start + timedelta(days=1),
                    "requested_amount": Decimal(requested),
                    "expected_leads": 30,
                    "expected_pipeline": Decimal(requested) * 20,
                },
                now=created,
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
            "pay": {"reference": f"MDF-{today.year}-0001", "paid_on": today - timedelta(days=25)},
        }
        for step, days_ago in path:
            at = now - timedelta(days=days_ago)
            if step == "claim":
                for kind, label in (("invoice", "invoice"), ("proof", "photos")):
                    fund_file_add(
                        fund_request=r, kind=kind, upload=ContentFile(PDF, name=f"{label}.pdf"),
                        actor=nora, now=at,
                    )  # fmt: skip
            actor = nora if step in ("submit", "claim") else manager
            with inbox.history(at, now=now):  # read on its day; the last day's still new
                fund_request_transition(
                    fund_request=r, name=step, actor=actor, now=at, **inputs.get(step, {})
                )
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
        attribute(
            "lead",
            lead,
            requests["LinkedIn lead-generation campaign"],
            partner_id=None,
            actor=manager,
        )
