"""Demo partners in every stage, with backdated history (run after accounts, before agreements)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.agreements.models import Agreement
from apps.partners.models import Partner, Stage, Task
from apps.partners.services import partner_transition
from apps.program.models import PartnerType, Tier

from . import inbox

GROWTH_LOOP = [("start_evaluation", 200), ("continue_growth", 190), ("start_evaluation", 100),
               ("continue_growth", 92)]  # fmt: skip

# name, website, type key, tier name, created days ago, scores, steps [(transition, days ago, text)]
PARTNERS = [
    ("Fabrikam Software", "technology", "", 12, (4, 4, 3, 4), []),
    ("Tailspin Toys", "referral", "", 5, None, []),
    ("Litware Devices", "oem", "Bronze", 150, (5, 4, 4, 4), [("start_onboarding", 130)]),
    (
        "Adventure Works",
        "reseller",
        "Gold",
        900,
        (5, 5, 5, 4),
        [
            ("start_onboarding", 880),
            ("complete_onboarding", 800),
            ("start_evaluation", 300),
            ("continue_growth", 290),
            ("start_evaluation", 120),
            ("continue_growth", 110),
        ],
    ),
    (
        "Wide World Importers",
        "integrator",
        "Silver",
        500,
        (4, 4, 4, 4),
        [("start_onboarding", 480), ("complete_onboarding", 400), ("start_evaluation", 10)],
    ),
    (
        "Proseware",
        "technology",
        "Silver",
        600,
        (5, 4, 5, 4),
        [
            ("start_onboarding", 590),
            ("complete_onboarding", 520),
            ("start_evaluation", 40),
            ("start_expansion", 15),
        ],
    ),
    (
        "Coho Winery",
        "referral",
        "Bronze",
        420,
        (3, 4, 3, 3),
        [
            ("start_onboarding", 400),
            ("complete_onboarding", 340),
            ("start_evaluation", 60),
            ("exit", 50, "No joint customers in a year; both sides agreed to part."),
        ],
    ),
    (
        "Blue Yonder Airlines",
        "reseller",
        "",
        700,
        (4, 3, 4, 3),
        [
            ("start_onboarding", 680),
            ("exit", 600, "Acquired; the new owner paused channel deals."),
            ("reengage", 20, "New leadership wants to resume the partnership."),
        ],
    ),
    (
        "Alpine Ski House",
        "reseller",
        "Bronze",
        260,
        (4, 4, 3, 3),
        [("start_onboarding", 250), ("complete_onboarding", 170)],
    ),
    (
        "Trey Research",
        "technology",
        "",
        330,
        (4, 5, 4, 4),
        [("start_onboarding", 320), ("complete_onboarding", 230), ("start_evaluation", 95)],
    ),
    (
        "Woodgrove Systems",
        "oem",
        "Gold",
        800,
        (5, 5, 5, 5),
        [
            ("start_onboarding", 780),
            ("complete_onboarding", 650),
            ("start_evaluation", 200),
            ("start_expansion", 190),
            ("complete_expansion", 120),
            ("start_evaluation", 30),
            ("start_expansion", 25),
        ],
    ),
]


def _scores(partner: Partner, scores) -> None:
    if scores:
        (
            partner.qualification_customer,
            partner.qualification_credibility,
            partner.qualification_capability,
            partner.qualification_commitment,
        ) = scores


def _sign_agreement(partner: Partner, kind: str, at, manager) -> None:
    if partner.agreements.filter(status="active").exists():
        return
    # Built as it would have been signed then (the FSM runs in the agreements demo for new ones).
    Agreement.objects.create(
        partner=partner,
        kind=kind if kind in {"referral", "reseller", "technology", "oem"} else "reseller",
        title=f"{partner.name} partner agreement",
        start_date=timezone.localdate(at),
        end_date=timezone.localdate(at) + timedelta(days=365 * 3),
        notice_period_days=60,
        exit_clauses="Either side may end the agreement with 60 days' written notice.",
        status="active",
        sent_at=at - timedelta(days=5),
        signed_at=at - timedelta(days=1),
        signed_by_name=f"{partner.name} CEO",
    )


def _walk(partner: Partner, steps, manager, now) -> None:
    for step in steps:
        name, days_ago = step[0], step[1]
        text = step[2] if len(step) > 2 else ""
        at = now - timedelta(days=days_ago)
        if name == "start_onboarding":
            kind = partner.partner_type.key if partner.partner_type else ""
            _sign_agreement(partner, kind, at, manager)
        if name in ("complete_onboarding", "complete_expansion"):
            Task.objects.filter(partner=partner, done=False).update(
                done=True, done_at=at - timedelta(days=1), done_by=manager
            )
        with inbox.history(at, now=now):  # its notices were read on the day
            partner_transition(
                partner=partner,
                name=name,
                actor=manager,
                note="" if name == "exit" else text,
                reason=text if name == "exit" else "",
                now=at,
            )


def seed(ctx: dict) -> None:
    now = timezone.now()
    manager, admin = ctx["manager"], ctx["admin"]
    types = {t.key: t for t in PartnerType.objects.all()}
    tiers = {t.name: t for t in Tier.objects.all()}
    partners = []

    northwind = ctx["northwind"]
    northwind.partner_type, northwind.tier, northwind.manager = (
        types["reseller"],
        tiers.get("Silver"),
        manager,
    )
    _scores(northwind, (5, 4, 4, 4))
    northwind.stage_entered_at = now - timedelta(days=400)
    northwind.created_at = now - timedelta(days=400)
    northwind.save()
    _walk(
        northwind,
        [("start_onboarding", 380), ("complete_onboarding", 300), *GROWTH_LOOP],
        manager,
        now,
    )
    partners.append(northwind)

    contoso = ctx["contoso"]
    contoso.partner_type, contoso.tier, contoso.manager = (
        types["integrator"],
        tiers.get("Bronze"),
        manager,
    )
    _scores(contoso, (4, 3, 4, 4))
    contoso.stage_entered_at = now - timedelta(days=45)
    contoso.created_at = now - timedelta(days=45)
    contoso.save()
    _walk(contoso, [("start_onboarding", 20)], manager, now)
    for task in contoso.tasks.order_by("order")[:3]:
        task.done, task.done_at, task.done_by = True, now - timedelta(days=10), manager
        task.save()
    partners.append(contoso)

    for name, type_key, tier, created_days, scores, steps in PARTNERS:
        created = now - timedelta(days=created_days)
        partner = Partner(
            name=name,
            website=f"https://{name.lower().replace(' ', '')}.example",
            partner_type=types[type_key],
            tier=tiers.get(tier),
            manager=admin if name in ("Trey Research", "Woodgrove Systems") else manager,
            stage=Stage.RECRUITMENT,
            stage_entered_at=created,
        )
        _scores(partner, scores)
        partner.save()
        partner.created_at = created  # auto_now_add set it to today; later saves keep this
        Partner.objects.filter(pk=partner.pk).update(created_at=created)
        _walk(partner, steps, manager, now)
        partners.append(partner)

    _settle_tasks(manager, now)
    ctx["partners"] = partners


def _settle_tasks(manager, now) -> None:
    """Back-filled onboardings: the tasks that fell due weeks ago were done by then; a partner
    still behind has its latest one open, reminded on the day it fell due (the onboarding
    sweep's mark), not a stack of months-old reminders on the first morning."""
    today = timezone.localdate(now)
    late = Task.objects.filter(done=False, due_date__lt=today - timedelta(days=21))
    by_partner: dict[int, list[Task]] = {}
    for task in late.order_by("due_date", "order"):
        by_partner.setdefault(task.partner_id, []).append(task)
    for tasks in by_partner.values():
        *done, last = tasks
        for task in done:
            day = timezone.make_aware(datetime.combine(task.due_date or today, time(11)))
            task.done, task.done_at, task.done_by = True, day, manager
            task.save(update_fields=["done", "done_at", "done_by"])
        Task.objects.filter(pk=last.pk).update(overdue_reminded_for=last.due_date)
