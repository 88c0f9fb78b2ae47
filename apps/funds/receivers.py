"""What funds do when the floors below announce something (connected in FundsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from apps.deals.events import registration_won
from apps.partners.events import partner_exited

from .exit import carry_out
from .services import earning_accrue


@receiver(partner_exited, dispatch_uid="funds.cancel_on_exit")
def cancel_unclaimed_requests(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, now=now)


@receiver(registration_won, dispatch_uid="funds.accrue_rebate")
def accrue_rebate(sender, registration_id=None, **kwargs):
    """The partner's rebate on the won registration, once (services/earnings.py)."""
    if registration_id is not None:
        earning_accrue(registration_id=registration_id)
