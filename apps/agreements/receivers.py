from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_exited

from .exit import carry_out


@receiver(partner_exited, dispatch_uid="agreements.terminate_on_exit")
def close_agreements(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, reason=reason, now=now)
