from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Partner manager")
    PARTNER = "partner", _("Partner user")


class PartnerRole(models.TextChoices):
    """What a partner user may do for their company (DESIGN.md section 13), least privilege."""

    ADMIN = "admin", _("Partner admin")
    MEMBER = "member", _("Member")
    FINANCE = "finance", _("Finance")


def language_choices() -> list[tuple[str, str]]:
    """The languages offered (settings.LANGUAGES: those whose catalogue is complete), each in its
    own name. Callable, so offering one more changes no migration."""
    return list(settings.LANGUAGES)


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a person picks from ("Europe/Berlin"), sorted, and UTC: the region/city
    names, without the legacy aliases ("GB", "Japan", "EST5EDT") and the fixed offsets of Etc/
    (whose signs read backwards: Etc/GMT+5 is five hours behind) that name the same times."""
    names = zoneinfo.available_timezones()
    return tuple(sorted(n for n in names if "/" in n and not n.startswith("Etc/"))) + ("UTC",)


def time_zone_choices() -> list[tuple[str, str]]:
    """Callable, so a new tz database release changes no migration."""
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    # Blank for staff; a partner user always holds one (the constraint below).
    partner_role = models.CharField(
        max_length=16, choices=PartnerRole.choices, blank=True, default=""
    )
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The partner company a partner user belongs to.",
    )
    # Blank: the browser's Accept-Language decides (apps/accounts/middleware.py).
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=language_choices,
        blank=True,
        default="",
        help_text=_("The language of your pages. Leave it blank to follow your browser."),
    )
    # Blank: the program's time zone (settings.TIME_ZONE) (apps/accounts/middleware.py).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        blank=True,
        default="",
        help_text=_(
            "Dates and times are shown in this time zone. Leave it blank for the program's."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="partner_user_has_partner",
                condition=(models.Q(role="partner", partner__isnull=False))
                | (~models.Q(role="partner") & models.Q(partner__isnull=True)),
            ),
            models.CheckConstraint(
                name="partner_role_of_partner_users",
                condition=(
                    models.Q(role="partner", partner_role__in=["admin", "member", "finance"])
                    | (~models.Q(role="partner") & models.Q(partner_role=""))
                ),
            ),
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
        if self.role != Role.PARTNER:
            self.partner_role = ""
        elif not self.partner_role:
            self.partner_role = PartnerRole.MEMBER  # least privilege unless said otherwise
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
    def is_partner_admin(self) -> bool:
        """Manages their company's users and contacts and signs its agreements."""
        return self.is_partner_user and self.partner_role == PartnerRole.ADMIN

    @property
    def is_partner_member(self) -> bool:
        return self.is_partner_user and self.partner_role == PartnerRole.MEMBER

    @property
    def is_partner_finance(self) -> bool:
        return self.is_partner_user and self.partner_role == PartnerRole.FINANCE

    @property
    def partnership_ended(self) -> bool:
        """A partner user whose company has exited: refused at every door, pages and API."""
        return (
            self.is_partner_user and self.partner is not None and not self.partner.has_portal_access
        )

    @property
    def has_portal_access(self) -> bool:
        return (
            self.is_partner_user
            and self.is_active
            and self.partner is not None
            and self.partner.has_portal_access
        )


# The group the Django admin's rights come from for users with the admin role (not superuser):
# the view permission on the models of these apps (the audit trail).
PROGRAM_ADMINS_GROUP = "Program admins"
PROGRAM_ADMINS_APPS = ("audit",)


class UserSession(AbstractBaseSession):
    """A browser session, stored with the user it signs in (Django's database session with one
    column more), so that a password change, a reset or a deactivation can end the user's
    sessions by deleting their rows (apps/accounts/sessions.py is the engine)."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
