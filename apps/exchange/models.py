"""An uploaded CSV between its preview and its confirmation.

The parsed rows live here, server-side, so the confirmation imports exactly what the preview
validated — the browser only sends back the batch's id, never the data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    REGISTRATIONS = "registrations", _("Deal registrations")
    CONTACTS = "contacts", _("Contacts")
    LEADS = "leads", _("Leads")


class ImportBatch(models.Model):
    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    filename = models.CharField(max_length=200, blank=True)
    # [{"line": n, "cells": {column: text}, "errors": [message, ...]}, ...]
    rows = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename or self.pk}"

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.get("errors"))
