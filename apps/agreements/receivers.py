from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_exited

from .services import terminate_on_exit


@receiver(partner_exited, dispatch_uid="agreements.terminate_on_exit")
def close_agreements(sender, partner, actor=None, reason="", now=None, **kwargs):
    terminate_on_exit(partner=partner, actor=actor, reason=reason, now=now)
