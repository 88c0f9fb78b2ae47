"""The manager side of deal registrations, tiers, program settings and agreements speaks the
user's language: a manager and an admin whose language is German read none of the English
sentences these pages show an English reader.

Each page is rendered twice for the same user, in English and in German. A phrase must be on the
English page (so the check reads what the page really shows) and gone from the German one: a
phrase left unmarked in a template, or marked but untranslated, stays English on both. What is
read is the text a person reads or hears: the visible text, and the titles, labels and
placeholders of the elements."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.partners.models import Stage
from apps.program.models import Tier
from tests.deals.factories import RegistrationFactory
from tests.factories import AgreementFactory, PartnerFactory
from tests.tiers.factories import ExchangeRateFactory, TierProposalFactory

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
SPOKEN = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")


def read(page: str) -> str:
    """The page's visible text and its elements' spoken attributes, whitespace collapsed."""
    page = HIDDEN.sub(" ", page)
    spoken = " | ".join(SPOKEN.findall(page))
    return re.sub(r"\s+", " ", html.unescape(f"{TAG.sub(' ', page)} | {spoken}"))


@pytest.fixture
def program(bob):
    """Something on every page: a partner with an open registration that conflicts with another
    partner's, a draft agreement, an open tier proposal and an exchange rate."""
    tiers = list(Tier.objects.order_by("rank")[:2])
    acme = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob, tier=tiers[0])
    other = PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH, manager=bob)
    RegistrationFactory(partner=other, customer_name="Shared Inc", customer_domain="shared.example")
    registration = RegistrationFactory(
        partner=acme, customer_name="Shared Inc", customer_domain="shared.example"
    )
    agreement = AgreementFactory(partner=acme, title="Acme reseller agreement")
    TierProposalFactory(
        partner=acme,
        current_tier=tiers[0],
        proposed_tier=tiers[1],
        figures={
            "won_value": "300000.00",
            "won_deals": 6,
            "base_currency": "USD",
            "requirements": {
                "tier": tiers[1].name,
                "min_won_value": "250000.00",
                "min_won_deals": 5,
            },
            "missing_rates": {"JPY": "5000000.00"},
        },
    )
    rate = ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.1"), effective_date=date(2026, 1, 1)
    )
    return {"partner": acme, "registration": registration, "agreement": agreement, "rate": rate}


def pages(program) -> tuple[dict, dict]:
    """({page: (address, English phrases it shows)} of the managers, the same of the admins)."""
    partner, registration = program["partner"], program["registration"]
    agreement, rate = program["agreement"], program["rate"]
    tier = Tier.objects.order_by("rank").first()
    staff = {
        "review queue": (
            reverse("deals:queue"),
            [
                "Oldest waiting first.",
                "Filter registrations",
                "Customer, domain, product or partner",
                "Only Acme Resellers's registrations",
                "1 conflict",
            ],
        ),
        "one partner's registrations": (
            f"{reverse('deals:queue')}?status=all&partner={partner.pk}",
            ["show all partners", "Show every partner's registrations"],
        ),
        "registration": (
            reverse("deals:detail", args=[registration.pk]),
            [
                "Review queue",
                "Conflicts (1)",
                "This registration",
                "Submitted by",
                "Protects the customer for Acme Resellers",
            ],
        ),
        "tier proposals": (
            reverse("tiers:proposals"),
            [
                "The nightly evaluation proposes",
                "Proposal status",
                "Won deals",
                "Missing rate, not counted",
                "Approve the promotion of Acme Resellers",
                "needs 5",
            ],
        ),
        "agreements": (reverse("agreements:list"), ["New agreement", "Ends"]),
        "agreement": (
            reverse("agreements:detail", args=[agreement.pk]),
            ["with Acme Resellers", "Terms"],
        ),
        "new agreement": (reverse("agreements:create"), ["Create draft", "Cancel"]),
        "agreement draft": (reverse("agreements:edit", args=[agreement.pk]), ["Edit agreement"]),
        "partner": (
            reverse("partners:detail", args=[partner.pk]),
            [
                "Tier history",
                "No tier changes recorded yet.",
                "All registrations of Acme Resellers",
                "decide in the queue",
            ],
        ),
    }
    admin = {
        "tiers": (
            reverse("tiers:settings"),
            ["Requirements count won registrations", "New tier", "lowest rank first", "QBR every"],
        ),
        "new tier": (reverse("tiers:create"), ["Save tier", "Money requirements are in"]),
        "tier": (reverse("tiers:edit", args=[tier.pk]), [f"Edit {tier.name}", "Save tier"]),
        "exchange rates": (
            reverse("tiers:rates"),
            ["Registrations keep their own currency", "Add a rate", "Edit the EUR rate from"],
        ),
        "exchange rate": (
            reverse("tiers:rate_edit", args=[rate.pk]),
            ["Save rate", "Edit the EUR rate from"],
        ),
        "playbooks": (
            reverse("program:playbooks"),
            ["When a partner enters a stage", "Add task", "Due after (days)"],
        ),
        "partner types": (
            reverse("program:partner_types"),
            ["Add partner type", "Onboarding days"],
        ),
    }
    return staff, admin


def _read_in(client, user, address: str, language: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    response = client.get(address)
    assert response.status_code == 200, (address, language, response.status_code)
    return read(response.content.decode())


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_the_manager_pages_speak_german(role, program, bob, alice, client_for):
    user = bob if role == "manager" else alice
    staff, admin = pages(program)
    client = client_for(user)
    unseen, left = {}, {}
    for page, (address, phrases) in {**staff, **(admin if role == "admin" else {})}.items():
        english, german = (_read_in(client, user, address, lang) for lang in ("en", "de"))
        if missing := [p for p in phrases if p not in english]:
            unseen[page] = missing  # the check would read nothing there
        if found := [p for p in phrases if p in german]:
            left[page] = found
    assert not left, left
    assert not unseen, unseen


def test_the_check_reads_labels_and_placeholders_too():
    page = (
        '<script>const s = "Hidden words";</script><a title="A title" aria-label="Spoken label">'
        'Visible\n  text</a><input placeholder="Type here">'
    )
    text = read(page)
    assert "Visible text" in text and "A title" in text and "Spoken label" in text
    assert "Type here" in text and "Hidden words" not in text
