"""What a partner's exit does to its registrations (apps/core/exits.py): those waiting (for
review, or on the partner's answer to a question) are withdrawn, approved ones expire (their protection ends now); nothing is deleted."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.core.exits import Effect, perform
from apps.core.formatting import format_date

from .models import OPEN_STATUSES, UNDECIDED_STATUSES, DealRegistration, Status
from .services import registration_transition

ORDER = 20


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    registrations = DealRegistration.objects.filter(
        partner=partner, status__in=OPEN_STATUSES
    ).order_by("-status", "submitted_at", "id")  # the waiting ones, then the approved
    effects = []
    for r in registrations:
        if r.status in UNDECIDED_STATUSES:
            action, group = "withdraw", _("Registrations to withdraw")
            waiting = (
                _("waiting for review")
                if r.status == Status.SUBMITTED
                else _("waiting on the partner's answer")
            )
            label = _("%(customer)s (%(domain)s): %(waiting)s; withdrawn") % {
                "waiting": waiting,
                "customer": r.customer_name,
                "domain": r.customer_domain,
            }
        else:
            action, group = "expire", _("Registrations to expire")
            label = _("%(customer)s (%(domain)s): protected until %(until)s; expires now") % {
                "customer": r.customer_name,
                "domain": r.customer_domain,
                "until": format_date(r.expires_at),
            }
        effects.append(
            Effect(
                app="deals",
                action=action,
                object_id=r.pk,
                group=group,
                label=label,
                link=reverse("deals:detail", args=[r.pk]),
            )
        )
    return effects


def carry_out(partner, *, actor, reason: str, now: datetime) -> list[Effect]:
    # The reason may run to 2,000 characters; the event's "via" column holds 100.
    via = Truncator("partner exit" + (f": {reason}" if reason else "")).chars(100)

    def close(effect: Effect) -> None:
        registration_transition(
            registration=DealRegistration.objects.select_related("partner").get(
                pk=effect.object_id
            ),
            name=effect.action,
            actor=actor,
            now=now,
            as_system=True,
            via=via,
        )

    return perform(exit_effects, close, partner, now=now)
