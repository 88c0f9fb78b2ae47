"""Demo decisions partners can trust: a rejection with a listed reason and the manager's words,
an extension request of 45 days waiting for the manager, and one granted for fewer days with
the reason the partner was told."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.services import (
    extension_request_create,
    extension_request_grant,
    registration_create,
    registration_transition,
)
from apps.program.models import RejectionReason

from . import inbox


def _register(partner, user, customer: str, domain: str, value: str, *, now) -> DealRegistration:
    with inbox.history(now):
        return registration_create(
            partner=partner,
            submitted_by=user,
            data={
                "customer_name": customer,
                "customer_domain": domain,
                "customer_country": "US",
                "contact_name": "Pat Buyer",
                "contact_email": f"pat@{domain}",
                "product": "Analytics suite",
                "estimated_value": Decimal(value),
                "currency": "USD",
                "expected_close_date": timezone.localdate() + timedelta(days=75),
                "description": "",
            },
            now=now,
        )


def seed(ctx: dict) -> None:
    """Each decision on its own day of the last weeks (its notices read then), the extension
    request that still waits sent last night."""
    partner, user, manager = ctx["northwind"], ctx.get("nora"), ctx.get("manager")
    if user is None or manager is None or not partner.is_active_partner:
        return
    now = timezone.now()

    def ago(days: float):
        return now - timedelta(days=days)

    rejected = _register(
        partner, user, "Vandelay Industries", "vandelay.example", "42000", now=ago(6)
    )
    reason = RejectionReason.objects.filter(active=True, label="Insufficient information").first()
    with inbox.history(ago(5)):
        registration_transition(
            registration=rejected,
            name="reject",
            actor=manager,
            reason_code=reason.pk if reason else None,
            reason="Please name the buyer and the budget holder, and register again.",
            now=ago(5),
        )
    waiting = _register(partner, user, "Kramerica", "kramerica.example", "18000", now=ago(9))
    with inbox.history(ago(8)):
        registration_transition(registration=waiting, name="approve", actor=manager, now=ago(8))
    extension_request_create(
        registration=waiting,
        requested_by=user,
        days=45,
        reason="Procurement needs a quarter",
        now=ago(0.8),
    )
    fewer = _register(partner, user, "Pendant Publishing", "pendant.example", "26000", now=ago(25))
    with inbox.history(ago(24)):
        registration_transition(registration=fewer, name="approve", actor=manager, now=ago(24))
    with inbox.history(ago(6)):
        asked = extension_request_create(
            registration=fewer, requested_by=user, days=60, reason="Legal review", now=ago(6)
        )
    with inbox.history(ago(5)):
        extension_request_grant(
            request=asked,
            actor=manager,
            days=30,
            reason="The customer's board decides next month.",
            now=ago(5),
        )
