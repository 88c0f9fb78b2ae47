"""Demo leads: the partners' reach (countries, specializations, locator opt-in), routing rules,
reject reasons, and leads in every status — new, assigned (one past half its clock), accepted,
converted (into a registration), rejected by a partner and waiting, recalled, closed — and two
from a trade-show list imported as a CSV, one routed on import."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.utils import timezone

from apps.leads.models import RejectReason, RoutingRule, Source
from apps.leads.services import (
    lead_accept,
    lead_assign,
    lead_close,
    lead_convert,
    lead_create,
    lead_recall,
    lead_reject,
    portal_link,
)
from apps.partners.models import ACTIVE_STAGES, Partner
from apps.program.models import PartnerType, Tier

from . import inbox

REACH = [
    (["DE", "AT", "CH"], ["Security", "Cloud migration"]),
    (["US", "CA"], ["Data", "Analytics"]),
    (["GB", "IE", "FR"], ["Security", "Networking"]),
    (["NL", "BE", "DE"], ["Cloud migration", "Data"]),
]
REASONS = ["No capacity right now", "Outside our region", "Not our specialization", "Too small"]
# company, domain, country, contact, product, value: companies and people of the lead's country
LEADS = [
    ("Brandt Logistik AG", "brandt-logistik.example", "DE", "Katrin Brandt", "Fleet Analytics",
     "30000"),
    ("Northpoint Health", "northpointhealth.example", "US", "Dana Whitfield", "Data platform",
     "85000"),
    ("Harrow & Finch", "harrowfinch.example", "GB", "Olivia Harrow", "Security suite", "42000"),
    ("Van Dijk Voeding", "vandijkvoeding.example", "NL", "Sanne van Dijk", "Cloud migration",
     "18000"),
    ("Kessler Maschinenbau", "kessler-mb.example", "DE", "Jonas Kessler", "Analytics", "12000"),
    ("Cascade Robotics", "cascaderobotics.example", "US", "Marcus Reed", "Security suite",
     "99000"),
    ("Pennine Foods", "penninefoods.example", "GB", "Harriet Clough", "Data platform", "25000"),
    ("Laurentian Freight", "laurentianfreight.example", "CA", "Émilie Tremblay",
     "Fleet Analytics", "64000"),
]  # fmt: skip

# Imported from a CSV (source import): company, domain, country, contact, product, routed
IMPORTED = [
    ("Bayview Analytics", "bayviewanalytics.example", "US", "Priya Natarajan", "Data platform",
     True),
    ("Groupe Mercier", "groupe-mercier.example", "FR", "Camille Mercier", "Security suite", False),
]  # fmt: skip


def _email(contact: str, domain: str) -> str:
    """first@domain in plain letters (Émilie → emilie@…)."""
    first = unicodedata.normalize("NFKD", contact.split()[0].lower())
    return f"{first.encode('ascii', 'ignore').decode()}@{domain}"


def _user_of(partner):
    return partner.users.filter(partner_role__in=["admin", "member"], is_active=True).first()


def seed(ctx: dict) -> None:
    now = timezone.now()
    manager, admin = ctx["manager"], ctx["admin"]
    active = list(Partner.objects.filter(stage__in=ACTIVE_STAGES).order_by("pk"))
    for partner, (countries, specializations) in zip(active, REACH * 3, strict=False):
        Partner.objects.filter(pk=partner.pk).update(
            countries=countries, specializations=specializations, listed_in_locator=True
        )
    for order, label in enumerate(REASONS):
        RejectReason.objects.get_or_create(label=label, defaults={"order": order})
    _turned_down(ctx, now)
    dach = RoutingRule.objects.create(name="DACH", priority=10, countries=["DE", "AT", "CH"])
    security = RoutingRule.objects.create(
        name="Security specialists", priority=20, specializations=["Security"]
    )
    security.partner_types.set(PartnerType.objects.all())
    RoutingRule.objects.create(
        name="Everyone else", priority=100, min_tier=Tier.objects.order_by("rank").first()
    )
    RoutingRule.objects.create(name="North America", priority=30, countries=["US", "CA"])
    del dach
    # The first leads go to the companies with portal users (as a locator visitor asking for
    # them would), so the demo shows each answer a partner gives.
    answering = [ctx["northwind"], ctx["contoso"]]
    leads = []
    for i, (company, domain, country, contact, product, value) in enumerate(LEADS):
        created = now - timedelta(hours=30 - i * 3)
        leads.append(
            lead_create(
                data={
                    "company": company,
                    "domain": domain,
                    "country": country,
                    "contact_name": contact,
                    "contact_email": _email(contact, domain),
                    "product": product,
                    "estimated_value": value,
                    "currency": "EUR" if country not in ("US", "CA") else "USD",
                },
                source=Source.MANUAL if i % 3 else Source.WEB,
                actor=manager,
                route=i != 0,  # the first stays new
                requested_partner=answering[i % 2] if 1 <= i <= 5 else None,
                now=created,
            )
        )
    for lead in leads:
        lead.refresh_from_db()
    with_user = [(lead, _user_of(lead.partner)) for lead in leads if lead.partner_id]
    with_user = [(lead, user) for lead, user in with_user if user is not None]
    steps = ["accept", "convert", "reject", "recall", "close"]
    for (lead, user), step in zip(with_user, steps, strict=False):
        if step in ("accept", "convert"):
            lead_accept(lead=lead, actor=user, now=(lead.assigned_at or now) + timedelta(hours=3))
        if step == "convert":
            lead_convert(
                lead=lead,
                actor=user,
                data={"expected_close_date": timezone.localdate() + timedelta(days=60)},
            )
        elif step == "reject":
            lead_reject(
                lead=lead, actor=user, reason=RejectReason.objects.first(), note="Fully booked"
            )
        elif step == "recall":
            lead_recall(lead=lead, actor=manager)
        elif step == "close":
            lead_close(lead=lead, actor=admin, reason="The customer bought elsewhere.")
        inbox.read(portal_link(lead))  # the partner's users opened it to answer
    # a lead a manager hands over by hand
    if active:
        hand = lead_create(
            data={
                "company": "Redwood Ledger",
                "domain": "redwoodledger.example",
                "country": "US",
                "contact_name": "Gavin Brooks",
                "contact_email": "gavin@redwoodledger.example",
                "product": "Data platform",
            },
            source=Source.MANUAL,
            actor=manager,
        )
        lead_assign(lead=hand, partner=active[-1], actor=manager)
    _imported(manager)


def _turned_down(ctx: dict, now) -> None:
    """Before the rules exist: a lead a partner turned down, with nobody else to route it to, so
    it waits for a manager (rejected by the partner)."""
    turned_down = lead_create(
        data={
            "company": "Sakura Seimitsu",
            "domain": "sakura-seimitsu.example",
            "country": "JP",
            "contact_name": "Haruto Tanaka",
            "contact_email": "haruto.tanaka@sakura-seimitsu.example",
            "product": "Security suite",
        },
        source=Source.LOCATOR,
        requested_partner=ctx["northwind"],
        now=now - timedelta(hours=40),
    )
    turned_down.refresh_from_db()
    user = _user_of(ctx["northwind"])
    if turned_down.partner_id and user is not None:
        lead_reject(
            lead=turned_down,
            actor=user,
            reason=RejectReason.objects.get(label="Outside our region"),
            note="We do not cover Japan.",
            now=now - timedelta(hours=39),
        )
        inbox.read(portal_link(turned_down), at=now - timedelta(hours=39))


def _imported(manager) -> None:
    """Leads from a trade-show list imported as a CSV (source import), one routed on import."""
    for company, domain, country, contact, product, route in IMPORTED:
        lead_create(
            data={
                "company": company,
                "domain": domain,
                "country": country,
                "contact_name": contact,
                "contact_email": _email(contact, domain),
                "product": product,
                "description": "From the trade-show list (CSV import).",
            },
            source=Source.IMPORT,
            actor=manager,
            route=route,
        )
