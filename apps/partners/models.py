from __future__ import annotations

from django.db import models


class Partner(models.Model):
    name = models.CharField(max_length=200)
    website = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_portal_access(self) -> bool:
        return True
