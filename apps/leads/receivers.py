"""What leads do when the floors below announce something (connected in LeadsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from apps.deals.events import registration_approved, registration_lost, registration_won
from apps.partners.events import partner_exited

from .exit import carry_out
from .services import lead_registration_changed


@receiver(registration_approved, dispatch_uid="leads.follow_registration_approved")
@receiver(registration_won, dispatch_uid="leads.follow_registration_won")
@receiver(registration_lost, dispatch_uid="leads.follow_registration_lost")
def follow_registration(sender, registration_id=None, status="", **kwargs):
    """A converted lead shows how its registration went (approved = working, won, lost)."""
    if registration_id is not None:
        lead_registration_changed(registration_id=registration_id, status=status)


@receiver(partner_exited, dispatch_uid="leads.release_on_exit")
def release_leads(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, now=now)
