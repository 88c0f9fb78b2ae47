"""What funds do when the floors below announce something (connected in FundsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_exited

from .exit import carry_out


@receiver(partner_exited, dispatch_uid="funds.cancel_on_exit")
def cancel_unclaimed_requests(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, now=now)
