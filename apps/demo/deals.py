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


# The other established partners' business (partner name, customer, domain, country, currency,
# status, hours since submission, value, product): a reseller of years has registered deals.
OTHERS = [
    ("Adventure Works", "Bellows College", "bellowscollege.example", "US", "USD", Status.WON,
     24 * 160, 88000, "Analytics suite"),
    ("Adventure Works", "First Up Consultants", "firstupconsultants.example", "US", "USD",
     Status.APPROVED, 24 * 12, 54000, "Data platform"),
    ("Woodgrove Systems", "Best For You Organics", "bestforyouorganics.example", "US", "USD",
     Status.WON, 24 * 200, 140000, "Embedded analytics"),
    ("Woodgrove Systems", "The Phone Company", "thephonecompany.example", "GB", "GBP",
     Status.APPROVED, 24 * 20, 76000, "Embedded analytics"),
    ("Proseware", "Harbor Point Dental", "harborpointdental.example", "US", "USD", Status.WON,
     24 * 110, 32000, "Data platform"),
    ("Wide World Importers", "Mercado Verde", "mercadoverde.example", "ES", "EUR", Status.WON,
     24 * 130, 45000, "Cloud migration"),
    ("Alpine Ski House", "Fjällstugan Resorts", "fjallstugan.example", "SE", "EUR", Status.WON,
     24 * 150, 16000, "Booking platform"),
    ("Alpine Ski House", "Kiruna Outdoor", "kiruna-outdoor.example", "SE", "EUR",
     Status.APPROVED, 24 * 8, 21000, "Booking platform"),
]  # fmt: skip


# Long on purpose: the demo's registrations are data, written out one story after another.
def seed(ctx: dict) -> None:
    users = {"northwind": ctx.get("nora"), "contoso": ctx.get("carl")}
    for key, customer, domain, status, hours, value, product in ROWS:
        country, currency = ("US", "USD") if key == "northwind" else ("GB", "EUR")
        story(ctx, ctx[key], user=users[key], customer_of=(customer, domain, country, currency),
              status=status, hours=hours, value=value, product=product)  # fmt: skip
    by_name = {p.name: p for p in ctx.get("partners", [])}
    for name, customer, domain, country, currency, status, hours, value, product in OTHERS:
        if name in by_name:
            story(ctx, by_name[name], user=None, status=status, hours=hours, value=value,
                  customer_of=(customer, domain, country, currency), product=product)  # fmt: skip
    conversations.seed(ctx)  # questions, answers and comments on some of them


# The buyer each customer's registration names: people of the customer's country, picked by the
# customer's name so a customer keeps its contact from one seed to the next.
CONTACTS = {
    "US": [("Jordan", "Reyes"), ("Emily", "Carter"), ("Marcus", "Bell"), ("Priya", "Natarajan")],
    "GB": [("Oliver", "Hughes"), ("Amelia", "Clarke"), ("Harry", "Patel"), ("Sophie", "Turner")],
    "DE": [("Jonas", "Becker"), ("Lena", "Hoffmann"), ("Felix", "Wagner")],
    "FR": [("Camille", "Laurent"), ("Hugo", "Moreau"), ("Léa", "Girard")],
    "NL": [("Daan", "de Vries"), ("Sanne", "Bakker")],
    "JP": [("Haruto", "Sato"), ("Yui", "Tanaka")],
}


def contact_for(customer: str, country: str, domain: str) -> tuple[str, str]:
    """(name, e-mail) of the buyer at `customer`, a person of its country."""
    people = CONTACTS.get(country, CONTACTS["US"])
    first, last = people[sum(map(ord, customer)) % len(people)]
    local = first.lower().replace("é", "e")
    return f"{first} {last}", f"{local}@{domain}"


def story(ctx: dict, partner, *, user, customer_of: tuple, status, hours: int, value, product):
    """One registration as it went: submitted `hours` ago, reviewed, closed, with its events."""
    customer, domain, country, currency = customer_of
    contact = contact_for(customer, country, normalize_domain(domain))
    now, manager = timezone.now(), ctx.get("manager")
    submitted = now - timedelta(hours=hours)
    reg = DealRegistration(
        partner=partner,
        submitted_by=user,
        status=status,
        customer_name=customer,
        customer_domain=normalize_domain(domain),
        customer_country=country,
        contact_name=contact[0],
        contact_email=contact[1],
        product=product,
        estimated_value=Decimal(value),
        currency=currency,
        expected_close_date=(now + timedelta(days=60)).date(),
        description=f"{customer} is evaluating our {product.lower()}.",
        submitted_at=submitted,
    )
    events = [("submit", "", Status.SUBMITTED, user, "", submitted)]
    if status not in (Status.SUBMITTED, Status.WITHDRAWN):
        reg.reviewed_at, reg.reviewed_by = submitted + timedelta(hours=20), manager
    if status in (Status.APPROVED, Status.WON, Status.LOST, Status.EXPIRED):
        reg.approved_at = reg.reviewed_at
        reg.expires_at = reg.approved_at + timedelta(days=partner.protection_days)
        events.append(("approve", Status.SUBMITTED, Status.APPROVED, manager, "", reg.approved_at))
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
                user,
                "",
                submitted + timedelta(days=2),
            )
        )
    if status in (Status.WON, Status.LOST, Status.EXPIRED):
        # Closed within weeks of approval (expired on its last protected day), so the
        # year's wins are spread over the quarters, not all closed this week.
        reg.closed_at = (
            reg.expires_at
            if status == Status.EXPIRED
            else min(reg.expires_at, submitted + timedelta(days=45), now - timedelta(days=3))
        )
        reg.expected_close_date = reg.closed_at.date()
        name = {Status.WON: "mark_won", Status.LOST: "mark_lost", Status.EXPIRED: "expire"}[status]
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
    return reg
