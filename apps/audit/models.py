"""The audit trail: every state change of every state machine, and every refused access — one
row each, except anonymous noise (401s, anonymous CSRF failures, throttled requests), which is
counted: one row per kind, client and hour whose `count` goes up (apps/audit/services.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A transition's name ("approve", "start_evaluation") or the refused request's method.
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, help_text="app_label.model or the URL name")
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    # The real client address (apps/core/clients.py) of the request behind the entry, if any.
    client_address = models.GenericIPAddressField(null=True, blank=True)
    # How many times: 1, except for a tally of noise, counted in the hour starting at `at`.
    count = models.PositiveIntegerField(default=1)
    # What a tally counts (kind, client, actor, hour); null on every other entry.
    tally_key = models.CharField(max_length=200, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx")]
        constraints = [models.UniqueConstraint(fields=["tally_key"], name="audit_tally_key_unique")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
