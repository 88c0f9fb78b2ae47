"""Demo conversations on registrations (run by demo.deals.seed, after its registrations): shared
comments and an internal note, a question answered, and a registration waiting on the partner."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.services import comment_create, registration_transition

from . import inbox


def seed(ctx: dict) -> None:
    manager, nora, carl = ctx.get("manager"), ctx.get("nora"), ctx.get("carl")
    if manager is None or nora is None or carl is None:
        return
    now = timezone.now()
    regs = {r.customer_name: r for r in DealRegistration.objects.select_related("partner")}

    lamna = regs.get("Lamna Healthcare")
    if lamna is not None:
        with inbox.history(now - timedelta(hours=50), now=now):  # Maria answered it
            comment_create(
                registration=lamna,
                author=nora,
                body="Their procurement committee meets next Tuesday; we are on the agenda.",
                now=now - timedelta(hours=50),
            )
        comment_create(
            registration=lamna,
            author=manager,
            body="Thanks. Contoso registered the same customer too; I review both together.",
            now=now - timedelta(hours=30),
        )
        comment_create(
            registration=lamna,
            author=manager,
            body="Checked our CRM: no direct opportunity open at Lamna. Northwind was first.",
            internal=True,
            now=now - timedelta(hours=29),
        )

    lucerne = regs.get("Lucerne Publishing")
    if lucerne is not None:  # asked and answered: the review clock ran again after the answer
        registration_transition(
            registration=lucerne,
            name="request_info",
            actor=manager,
            now=now - timedelta(minutes=90),
            question="Is the lab data platform for their Zurich or their London site?",
        )
        registration_transition(
            registration=lucerne,
            name="provide_info",
            actor=carl,
            now=now - timedelta(minutes=40),
            answer="London first (30 seats); Zurich follows next year.",
        )

    graphic = regs.get("Graphic Design Institute")
    if graphic is not None:  # waiting on the partner's answer
        registration_transition(
            registration=graphic,
            name="request_info",
            actor=manager,
            now=now - timedelta(hours=20),
            question="Which product tier do they evaluate, and who signs on their side?",
        )
        comment_create(
            registration=graphic,
            author=manager,
            body="If they only want 18k of seats this may be a direct web sale; wait for answer.",
            internal=True,
            now=now - timedelta(hours=19),
        )
