"""The core's one table: the moves of the figure tokens (apps/core/freshness.py)."""

from __future__ import annotations

from django.db import models


class FigureChange(models.Model):
    """A write changed what the figures named `name` read (appended by triggers; the newest
    row's id is the token, older rows are pruned)."""

    name = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["name", "id"], name="core_figurechange_name_id")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"
