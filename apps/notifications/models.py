from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.ids import RandomIdModel


class Notification(RandomIdModel):
    """A message to one user: shown in the app first, e-mailed from this outbox second. Or, to
    someone who has no account yet (an invitee, an applicant), an e-mail to `email` alone, which
    no page shows."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    email = models.EmailField(max_length=254, blank=True)
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    # One notification per reason: the sender names the reason, so repeating it sends nothing.
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="notification_has_an_addressee",
                condition=models.Q(recipient__isnull=False) | ~models.Q(email=""),
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notif_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["id"], name="notif_outbox_idx", condition=models.Q(emailed_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.subject
