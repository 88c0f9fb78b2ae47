from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_exited

from .exit import carry_out


@receiver(partner_exited, dispatch_uid="qbrs.cancel_open_qbrs")
def close_qbrs_of_exited_partner(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, actor=actor, now=now)
