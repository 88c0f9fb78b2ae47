"""What a partner's exit does to its fund requests (apps/core/exits.py): requests not yet claimed
are cancelled and an approved amount goes back to the allocation; claims already submitted stay
for the manager to decide and pay (the activity took place)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.exits import Effect, perform

from .models import FundRequest, Status
from .services import fund_request_transition

ORDER = 50
UNCLAIMED = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    requests = FundRequest.objects.filter(partner=partner, status__in=UNCLAIMED).order_by(
        "created_at", "id"
    )
    return [
        Effect(
            app="funds",
            action="cancel",
            object_id=r.pk,
            group=_("Fund requests to cancel"),
            label=(
                _("%(title)s: approved, not claimed; cancelled and the amount released")
                if r.status == Status.APPROVED
                else _("%(title)s: %(status)s; cancelled")
            )
            % {"title": r.title, "status": r.get_status_display().lower()},
            link=reverse("funds:request", args=[r.pk]),
        )
        for r in requests
    ]


def carry_out(partner, *, now: datetime) -> list[Effect]:
    def cancel(effect: Effect) -> None:
        fund_request_transition(
            fund_request=FundRequest.objects.get(pk=effect.object_id),
            name="cancel",
            actor=None,  # the system: the exit itself was authorised
            now=now,
            via="partner exit",
        )

    return perform(exit_effects, cancel, partner, now=now)
