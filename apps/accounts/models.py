from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Partner manager"
    PARTNER = "partner", "Partner user"


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The partner company a partner user belongs to.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="partner_user_has_partner",
                condition=(models.Q(role="partner", partner__isnull=False))
                | (~models.Q(role="partner") & models.Q(partner__isnull=True)),
            )
        ]

    def clean(self):
        super().clean()
        if self.is_superuser and self.role != Role.ADMIN:
            self.role = Role.ADMIN
        if self.role == Role.PARTNER and self.partner_id is None:
            raise ValidationError({"partner": "A partner user belongs to a partner company."})
        if self.role != Role.PARTNER and self.partner_id is not None:
            raise ValidationError({"partner": "Only partner users belong to a partner company."})

    def save(self, *args, **kwargs):
        if self.is_superuser:
            self.role = Role.ADMIN
            self.partner = None
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_staff_role(self) -> bool:
        """Works in the main app: an admin or a partner manager."""
        return self.is_admin or self.role == Role.MANAGER

    @property
    def is_partner_user(self) -> bool:
        return not self.is_superuser and self.role == Role.PARTNER

    @property
    def has_portal_access(self) -> bool:
        return (
            self.is_partner_user
            and self.is_active
            and self.partner is not None
            and self.partner.has_portal_access
        )
