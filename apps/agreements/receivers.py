from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.partners.events import partner_exited
from apps.program.models import ProgramSettings

from .exit import carry_out
from .models import RENEWAL_DUE, Agreement


@receiver(partner_exited, dispatch_uid="agreements.terminate_on_exit")
def close_agreements(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, reason=reason, now=now)


@receiver(post_save, sender=ProgramSettings, dispatch_uid="agreements.replan_renewals")
def replan_renewals(sender, instance, **kwargs):
    """The reminder days may have changed: agreement_renewals plans every active agreement
    again on its next pass (its plans count from the days)."""
    Agreement.objects.filter(RENEWAL_DUE, renewal_due_on__isnull=False).update(renewal_due_on=None)
