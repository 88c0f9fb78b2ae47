"""Demo applications: the ideal partner profile's questions, and applications in every state —
received (one from a company already a partner, one from a company that applied before),
accepted (one partner carried on to onboarded, one qualified, one just accepted) and declined —
so the queue and the recruitment funnel have something to show. And a playbook step that
completes itself when an agreement is signed (the expansion addendum)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.applications.models import ProfileChoice, ProfileQuestion
from apps.applications.services import application_submit, application_transition
from apps.deals.models import Status
from apps.program.models import CompletingEvent, PartnerType, PlaybookTaskTemplate
from apps.program.stages import Stage

from .deals import story
from .partners import _scores, _walk

QUESTIONS = [
    ("How many people sell for you?", [("1–5", 2), ("6–20", 6), ("More than 20", 10)]),
    ("Do you sell to mid-market companies?", [("Mostly", 10), ("Sometimes", 5), ("No", 0)]),
    ("Can you deliver implementation services?", [("Yes, certified", 8), ("Yes", 5), ("No", 0)]),
]
# company, website, country, type, contact, days ago, answer index per question
APPLICATIONS = [
    ("Fabrikam Digital", "fabrikam.example", "DE", "reseller", "Frida Fabri", 130, (2, 0, 0)),
    ("Litware Cloud", "litware.example", "NL", "technology", "Lars Litt", 45, (1, 0, 1)),
    ("Adatum Networks", "adatum.example", "US", "integrator", "Ada Tumm", 12, (1, 1, 1)),
    ("Tailspin Toys", "tailspin.example", "GB", "referral", "Tess Tail", 20, (0, 2, 2)),
    ("Northwind Traders EU", "eu.northwind.example", "FR", "reseller", "Noel North", 6, (2, 1, 0)),
    ("Proseware", "proseware.example", "US", "reseller", "Paula Prose", 30, (0, 1, 2)),
    ("Proseware Inc.", "www.proseware.example", "US", "reseller", "Paula Prose", 3, (1, 0, 1)),
    ("Wingtip Partners", "wingtip.example", "CA", "referral", "Will Wing", 1, (0, 2, 2)),
]


def _questions() -> list[ProfileQuestion]:
    made = []
    for order, (text, choices) in enumerate(QUESTIONS, start=1):
        question = ProfileQuestion.objects.create(text=text, order=order)
        for position, (answer, weight) in enumerate(choices, start=1):
            ProfileChoice.objects.create(
                question=question, text=answer, weight=weight, order=position
            )
        made.append(question)
    return made


def _apply(row, questions, types, now):
    company, website, country, kind, contact, days_ago, picks = row
    answers = {
        str(q.pk): list(q.choices.order_by("order"))[pick].pk
        for q, pick in zip(questions, picks, strict=True)
    }
    first = contact.split()[0].lower()
    return application_submit(
        fields={
            "company": company,
            "website": website,
            "country": country,
            "contact_name": contact,
            "contact_email": f"{first}@{website.removeprefix('www.').removeprefix('eu.')}",
        },
        partner_type=types[kind],
        answers=answers,
        now=now - timedelta(days=days_ago),
    )


def seed(ctx: dict) -> None:
    now, manager = timezone.now(), ctx["manager"]
    PlaybookTaskTemplate.objects.create(
        stage=Stage.EXPANSION,
        title="Sign the expansion addendum",
        description="The addendum covering the new scope, signed in the portal.",
        owner_side="partner",
        due_offset_days=30,
        order=5,
        completed_by=CompletingEvent.AGREEMENT_SIGNED,
    )
    questions = _questions()
    types = {t.key: t for t in PartnerType.objects.all()}
    made = {row[0]: _apply(row, questions, types, now) for row in APPLICATIONS}

    def accept(company: str, days_ago: int):
        return application_transition(
            application=made[company],
            name="accept",
            actor=manager,
            now=now - timedelta(days=days_ago),
        ).partner

    fabrikam = accept("Fabrikam Digital", 125)
    _scores(fabrikam, (5, 4, 4, 4))
    fabrikam.qualified_at = now - timedelta(days=118)
    fabrikam.save()
    _walk(fabrikam, [("start_onboarding", 110), ("complete_onboarding", 40)], manager, now)
    # Its first registration approved a month after onboarding: the dashboard's ramp time.
    story(ctx, fabrikam, user=None, status=Status.APPROVED, hours=24 * 32, value=27000,
          customer_of=("Rheinland Mediengruppe", "rheinland-medien.example", "DE", "EUR"),
          product="Analytics suite")  # fmt: skip
    litware = accept("Litware Cloud", 40)
    _scores(litware, (4, 3, 4, 3))
    litware.qualified_at = now - timedelta(days=33)
    litware.save()
    accept("Adatum Networks", 10)
    application_transition(
        application=made["Tailspin Toys"],
        name="decline",
        actor=manager,
        reason="We are not adding referral partners in the toy market this year.",
        now=now - timedelta(days=18),
    )
