"""What a partner's exit does to its agreements (apps/core/exits.py): the active ones terminate
now — and those signed but not yet started — each with its notice period recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import transitions
from apps.core.exits import Effect, perform
from apps.core.formatting import format_date

from .models import Agreement, Status

ORDER = 10


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    agreements = Agreement.objects.filter(
        partner=partner, status__in=[Status.SIGNED, Status.ACTIVE]
    ).order_by("start_date", "id")
    today = timezone.localdate(now)
    return [
        Effect(
            app="agreements",
            action="terminate",
            object_id=a.pk,
            group=_("Agreements to terminate"),
            label=_("%(title)s (%(kind)s): terminated; notice period %(days)s days, until %(end)s")
            % {
                "title": a.title,
                "kind": a.get_kind_display(),
                "days": a.notice_period_days,
                "end": format_date(today + timedelta(days=a.notice_period_days)),
            },
            link=reverse("agreements:detail", args=[a.pk]),
        )
        for a in agreements
    ]


def carry_out(partner, *, reason: str, now: datetime) -> list[Effect]:
    def terminate(effect: Effect) -> None:
        agreement = Agreement.objects.get(pk=effect.object_id)
        # the system acts here: the exit itself was authorised
        transitions.apply(
            agreement,
            "status",
            "terminate",
            user=None,
            reason=_("Partner exited: %(reason)s") % {"reason": reason},
            now=now,
        )

    return perform(exit_effects, terminate, partner, now=now)
