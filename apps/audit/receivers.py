"""Every django-fsm transition of every model, whichever door ran it, lands in the audit trail —
in the same transaction as the change, so a rolled-back change leaves no entry."""

from __future__ import annotations

from django.dispatch import receiver
from django_fsm.signals import post_transition

from apps.core.clients import client_address

from .context import current_actor, current_request
from .models import AuditEvent


@receiver(post_transition, dispatch_uid="audit-post-transition")
def record_transition(sender, instance, name, source, target, **kwargs):
    actor = (kwargs.get("method_kwargs") or {}).get("actor") or current_actor()
    request = current_request.get()
    AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=name,
        object_type=sender._meta.label_lower,
        object_id=str(instance.pk or ""),
        outcome=AuditEvent.Outcome.DONE,
        detail={"from": str(source), "to": str(target)},
        client_address=(client_address(request) or None) if request is not None else None,
    )
