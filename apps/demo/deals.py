"""Demo registrations: every status, with conflicts between Northwind and Contoso."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.deals.models import DealRegistration, RegistrationEvent, Status
from apps.deals.normalize import normalize_domain
from apps.deals.services import record_conflicts

from . import conversations

# (partner key, customer, domain, status, hours since submission, value, product)
ROWS = [
    (
        "northwind",
        "Relecloud, Inc.",
        "https://www.relecloud.com",
        Status.APPROVED,
        24 * 20,
        120000,
        "Analytics suite",
    ),
    (
        "contoso",
        "Relecloud Incorporated",
        "relecloud.com/contact",
        Status.SUBMITTED,
        30,
        95000,
        "Analytics suite",
    ),
    (
        "northwind",
        "Lamna Healthcare",
        "lamnahealthcare.com",
        Status.SUBMITTED,
        60,
        48000,
        "Data platform",
    ),
    (
        "contoso",
        "Lamna Healthcare Inc.",
        "www.LamnaHealthcare.com",
        Status.SUBMITTED,
        10,
        52000,
        "Data platform",
    ),
    (
        "northwind",
        "Graphic Design Institute",
        "graphicdesign.example",
        Status.SUBMITTED,
        40,
        18000,
        "Creative cloud seats",
    ),
    (
        "contoso",
        "Graphic Design Institute Ltd",
        "gdi-edu.example",
        Status.SUBMITTED,
        5,
        21000,
        "Creative cloud seats",
    ),
    (
        "northwind",
        "Fourth Coffee",
        "fourthcoffee.com",
        Status.APPROVED,
        24 * 82,
        33000,
        "Booking platform",
    ),
    (
        "northwind",
        "Humongous Insurance",
        "humongousinsurance.com",
        Status.WON,
        24 * 120,
        250000,
        "ERP rollout",
    ),
    (
        "northwind",
        "Wingtip Toys",
        "wingtiptoys.com",
        Status.REJECTED,
        24 * 15,
        9000,
        "Support plan",
    ),
    (
        "northwind",
        "Southridge Video",
        "southridgevideo.com",
        Status.WITHDRAWN,
        24 * 9,
        14000,
        "Logistics add-on",
    ),
    ("northwind", "VanArsdel", "vanarsdel.com", Status.LOST, 24 * 100, 61000, "Data platform"),
    (
        "northwind",
        "Munson's Pickles and Preserves",
        "munsonspickles.com",
        Status.EXPIRED,
        24 * 140,
        27000,
        "Analytics suite",
    ),
    (
        "contoso",
        "Consolidated Messenger",
        "consolidatedmessenger.com",
        Status.APPROVED,
        24 * 30,
        310000,
        "Fleet analytics",
    ),
    (
        "contoso",
        "Lucerne Publishing",
        "lucernepublishing.net",
        Status.SUBMITTED,
        2,
        12500,
        "Lab data platform",
    ),
    (
        "contoso",
        "City Power & Light",
        "cpandl.com",
        Status.WON,
        24 * 75,
        480000,
        "Risk analytics",
    ),
]


# Long on purpose: the demo's registrations are data, written out one story after another.
def seed(ctx: dict) -> None:
    now = timezone.now()
    users = {"northwind": ctx.get("nora"), "contoso": ctx.get("carl")}
    manager = ctx.get("manager")

    for key, customer, domain, status, hours, value, product in ROWS:
        partner = ctx[key]
        submitted = now - timedelta(hours=hours)
        reg = DealRegistration(
            partner=partner,
            submitted_by=users[key],
            status=status,
            customer_name=customer,
            customer_domain=normalize_domain(domain),
            customer_country="US" if key == "northwind" else "GB",
            contact_name="Jordan Buyer",
            contact_email=f"jordan@{normalize_domain(domain)}",
            product=product,
            estimated_value=Decimal(value),
            currency="USD" if key == "northwind" else "EUR",
            expected_close_date=(now + timedelta(days=60)).date(),
            description=f"{customer} is evaluating our {product.lower()}.",
            submitted_at=submitted,
        )
        events = [("submit", "", Status.SUBMITTED, users[key], "", submitted)]
        if status not in (Status.SUBMITTED, Status.WITHDRAWN):
            reg.reviewed_at, reg.reviewed_by = submitted + timedelta(hours=20), manager
        if status in (Status.APPROVED, Status.WON, Status.LOST, Status.EXPIRED):
            reg.approved_at = reg.reviewed_at
            reg.expires_at = reg.approved_at + timedelta(days=partner.protection_days)
            events.append(
                ("approve", Status.SUBMITTED, Status.APPROVED, manager, "", reg.approved_at)
            )
        if status == Status.REJECTED:
            reg.rejection_reason = "The customer is already served directly by our enterprise team."
            events.append(
                ("reject", Status.SUBMITTED, status, manager, reg.rejection_reason, reg.reviewed_at)
            )
        if status == Status.WITHDRAWN:
            events.append(
                (
                    "withdraw",
                    Status.SUBMITTED,
                    status,
                    users[key],
                    "",
                    submitted + timedelta(days=2),
                )
            )
        if status in (Status.WON, Status.LOST, Status.EXPIRED):
            reg.closed_at = min(reg.expires_at, now - timedelta(days=3))
            name = {Status.WON: "mark_won", Status.LOST: "mark_lost", Status.EXPIRED: "expire"}[
                status
            ]
            if status == Status.WON:
                reg.actual_value = Decimal(value) * Decimal("1.1")
            if status == Status.LOST:
                reg.lost_reason = "The customer chose a competitor."
            events.append(
                (
                    name,
                    Status.APPROVED,
                    status,
                    None if status == Status.EXPIRED else manager,
                    reg.lost_reason,
                    reg.closed_at,
                )
            )
        reg.save()
        record_conflicts(reg)  # what submission would have stored (open registrations only)
        RegistrationEvent.objects.bulk_create(
            RegistrationEvent(
                registration=reg, transition=t, from_status=f, to_status=to, actor=a, note=n, at=at
            )
            for t, f, to, a, n, at in events
        )
    conversations.seed(ctx)  # questions, answers and comments on some of them
