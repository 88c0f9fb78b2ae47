"""A partner's exit: its open registrations close."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import Truncator

from ..models import OPEN_STATUSES, UNDECIDED_STATUSES, DealRegistration
from .review import registration_transition


def close_for_exited_partner(*, partner, actor, reason: str = "", now=None) -> dict:
    """Registrations waiting (for review or on the partner's answer) are withdrawn, approved ones
    expire; nothing is deleted."""
    now = now or timezone.now()
    counts = {"withdrawn": 0, "expired": 0}
    open_regs = DealRegistration.objects.select_related("partner").filter(
        partner=partner, status__in=OPEN_STATUSES
    )
    # The reason may run to 2,000 characters; the event's "via" column holds 100.
    via = Truncator("partner exit" + (f": {reason}" if reason else "")).chars(100)
    for registration in open_regs:
        name = "withdraw" if registration.status in UNDECIDED_STATUSES else "expire"
        registration_transition(
            registration=registration,
            name=name,
            actor=actor,
            now=now,
            as_system=True,
            via=via,
        )
        counts["withdrawn" if name == "withdraw" else "expired"] += 1
    return counts
