"""Demo library (run after people): the starter library the migration ships, a few opens by
Northwind's and Contoso's people over the last weeks, one new resource since their last visit,
and a document made for Northwind from a template and shared with its portal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.enablement.models import LibraryVisit, Resource
from apps.enablement.selectors import visible_resources
from apps.enablement.services import document_from_template, resource_create, resource_open


def seed(ctx: dict) -> None:
    now = timezone.now()
    manager = ctx["manager"]
    for partner in (ctx["northwind"], ctx["contoso"]):
        users = list(User.objects.filter(role=Role.PARTNER, partner=partner).order_by("id"))
        for i, user in enumerate(users):
            LibraryVisit.objects.update_or_create(
                user=user, defaults={"seen_at": now - timedelta(days=3)}
            )
            for j, resource in enumerate(visible_resources(user).order_by("title")[: 4 + i]):
                for days_ago in range(0, 21, 6 + j):
                    resource_open(
                        resource=resource, user=user, now=now - timedelta(days=days_ago + i)
                    )
    resource_create(
        actor=manager,
        title="Quarter-end deal desk: how to get a quote approved in 24 hours",
        summary="What to send, to whom, and by when in the last two weeks of a quarter.",
        kind="playbook",
        phase="growth",
        body=(
            "# Quarter-end deal desk\n\n"
            "1. **Register the deal first.** An approved registration protects the customer.\n"
            "2. **Send the quote request** with the customer, the products, the quantities and "
            "the discount you ask for.\n"
            "3. **Expect an answer within one working day.** Past day 80 of the quarter, send "
            "requests before 2 pm.\n"
        ),
        tags=["deal desk", "quotes"],
        published=True,
        now=now - timedelta(hours=6),
    )
    template = Resource.objects.filter(is_template=True, title="Partner strategy plan").first()
    if template is not None:
        document = document_from_template(
            resource=template, partner=ctx["northwind"], actor=manager, now=now
        )
        document.shared_with_partner = True
        document.save(update_fields=["shared_with_partner"])
