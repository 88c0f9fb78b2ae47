"""What a partner's exit does to its QBRs (apps/core/exits.py): the scheduled and running ones
are called off."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.exits import Effect, perform
from apps.core.formatting import format_date

from .models import OPEN_STATUSES, QBR
from .services import qbr_transition

ORDER = 30


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    qbrs = QBR.objects.filter(partner=partner, status__in=OPEN_STATUSES).order_by(
        "scheduled_for", "id"
    )
    return [
        Effect(
            app="qbrs",
            action="cancel",
            object_id=q.pk,
            group=_("QBRs to cancel"),
            label=_("QBR %(quarter)s, %(status)s for %(when)s: cancelled")
            % {
                "quarter": q.quarter,
                "status": q.get_status_display().lower(),
                "when": format_date(q.scheduled_for),
            },
            link=reverse("qbrs:detail", args=[q.pk]),
        )
        for q in qbrs
    ]


def carry_out(partner, *, actor, now: datetime) -> list[Effect]:
    def cancel(effect: Effect) -> None:
        qbr_transition(
            qbr=QBR.objects.get(pk=effect.object_id), name="cancel", actor=actor, now=now
        )

    return perform(exit_effects, cancel, partner, now=now)
