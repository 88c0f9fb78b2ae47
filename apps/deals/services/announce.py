"""Announcing a registration's domain events (apps/deals/events.py) after commit."""

from __future__ import annotations

from django.dispatch import Signal

from apps.core.events import send_after_commit

from ..models import DealRegistration


def announce(registration: DealRegistration, event: Signal, actor) -> None:
    send_after_commit(
        event,
        DealRegistration,
        registration_id=registration.pk,
        partner_id=registration.partner_id,
        status=registration.status,
        actor_id=getattr(actor, "pk", None),
    )
