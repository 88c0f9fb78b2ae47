"""What a partner's exit does to its leads (apps/core/exits.py): those waiting for its answer are
recalled and routed again; those it accepted but never converted are closed for a manager."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.exits import Effect, perform

from .models import Lead, Status
from .services import lead_release_for_exited_partner

ORDER = 40


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    leads = Lead.objects.filter(
        partner=partner, status__in=[Status.ASSIGNED, Status.ACCEPTED]
    ).order_by("status", "created_at", "id")
    effects = []
    for lead in leads:
        if lead.status == Status.ASSIGNED:
            action, group = "recall", _("Leads to route to another partner")
            label = _("%(company)s: waiting for the partner's answer; recalled and routed again")
        else:
            action, group = "close", _("Leads to close")
            label = _("%(company)s: accepted, not converted; closed for a manager to hand on")
        effects.append(
            Effect(
                app="leads",
                action=action,
                object_id=lead.pk,
                group=group,
                label=label % {"company": lead.company},
                link=reverse("leads:detail", args=[lead.pk]),
            )
        )
    return effects


def carry_out(partner, *, now: datetime) -> list[Effect]:
    def release(effect: Effect) -> None:
        lead_release_for_exited_partner(lead=Lead.objects.get(pk=effect.object_id), now=now)

    return perform(exit_effects, release, partner, now=now)
