from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_exited

from .services import cancel_open_qbrs


@receiver(partner_exited, dispatch_uid="qbrs.cancel_open_qbrs")
def close_qbrs_of_exited_partner(sender, partner, actor=None, reason="", now=None, **kwargs):
    cancel_open_qbrs(partner=partner, actor=actor, now=now)
