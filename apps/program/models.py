"""The partner program an admin configures: partner types, tiers, settings, stages, playbooks."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .stages import Stage


class OwnerSide(models.TextChoices):
    VENDOR = "vendor", _("Vendor (us)")
    PARTNER = "partner", _("Partner")


class CompletingEvent(models.TextChoices):
    """The events that complete a playbook task by themselves: the registry a task template
    names one from (apps/onboarding/receivers.py subscribes to each). Later events are added
    here and subscribed there."""

    PORTAL_SIGN_IN = "portal_sign_in", _("First portal sign-in of any of the partner's users")
    REGISTRATION_SUBMITTED = "registration_submitted", _("First deal registration submitted")
    AGREEMENT_SIGNED = "agreement_signed", _("An agreement signed")
    # The course that names the task (enablement.Course.task_template) decides which one.
    CERTIFICATION_EARNED = "certification_earned", _("A course's certification earned")


class PartnerType(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    onboarding_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Days from the start of onboarding to its due date.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# An approved registration's protection for a partner without a tier.
DEFAULT_PROTECTION_DAYS = 90


class Tier(models.Model):
    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the entry tier.")
    min_won_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    min_won_deals = models.PositiveIntegerField(default=0)
    # People of the partner holding an active certification (any course); the tier evaluation
    # reads them from enablement (apps/tiers).
    min_certified_people = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(1000)]
    )
    protection_days = models.PositiveSmallIntegerField(
        default=DEFAULT_PROTECTION_DAYS, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    qbr_cadence_months = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    description = models.TextField(blank=True)
    # The partner's rebate on each won registration's value (funds: earnings).
    rebate_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


def default_onboarding_reminders() -> list[int]:
    return [14, 7]


def default_agreement_reminders() -> list[int]:
    return [60, 30]


def default_qbr_reminders() -> list[int]:
    return [7, 1]


class ProgramSettings(models.Model):
    """One row: the program-wide rules. Read it with ProgramSettings.get()."""

    qualification_threshold = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(4), MaxValueValidator(20)],
        help_text="The 4C score (sum of four 1–5 scores) a prospect needs to start onboarding.",
    )
    review_sla_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    max_extensions = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    max_extension_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    base_currency = models.CharField(max_length=3, default="USD")
    onboarding_reminder_days = models.JSONField(default=default_onboarding_reminders)
    agreement_reminder_days = models.JSONField(default=default_agreement_reminders)
    deal_expiry_reminder_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    qbr_reminder_days = models.JSONField(default=default_qbr_reminders)
    auto_apply_promotions = models.BooleanField(default=False)
    demotion_grace_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(365)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "program settings"
        verbose_name_plural = "program settings"

    def __str__(self) -> str:
        return "Program settings"

    @classmethod
    def get(cls) -> ProgramSettings:
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class StageConfig(models.Model):
    """What admins may change about a stage: its name on screen and its target duration."""

    stage = models.CharField(max_length=20, choices=Stage.choices, unique=True)
    display_name = models.CharField(max_length=60)
    target_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="How long a partner should stay in this stage; empty for no target.",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name


class PlaybookTaskTemplate(models.Model):
    """One task of a stage's playbook, copied to a partner's tasks when it enters the stage."""

    stage = models.CharField(max_length=20, choices=Stage.choices, db_index=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_side = models.CharField(max_length=10, choices=OwnerSide.choices)
    due_offset_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(730)],
        help_text="Days after entering the stage the task is due.",
    )
    required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    completed_by = models.CharField(
        _("completes itself when"),
        max_length=40,
        choices=CompletingEvent.choices,
        blank=True,
        help_text=_("The event that ticks this task off by itself; empty: done by hand only."),
    )

    class Meta:
        ordering = ["stage", "order", "id"]

    def __str__(self) -> str:
        return self.title


currency_code = RegexValidator(r"^[A-Z]{3}\Z", "Use a three-letter ISO 4217 code, e.g. EUR.")


class ExchangeRate(models.Model):
    """One unit of `currency` is worth `rate_to_base` units of the program's base currency from
    `effective_date` until the next rate for that currency takes effect."""

    currency = models.CharField(max_length=3, validators=[currency_code])
    rate_to_base = models.DecimalField(
        max_digits=18, decimal_places=8, validators=[MinValueValidator(0)]
    )
    effective_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tiers_exchangerate"  # moved here from the tiers app; the table kept its name
        ordering = ["currency", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_date"], name="one_rate_per_currency_per_day"
            ),
            models.CheckConstraint(
                name="rate_to_base_positive", condition=models.Q(rate_to_base__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_base} (from {self.effective_date})"


class RejectionReason(models.Model):
    """A reason a manager picks when rejecting a deal registration. The partner reads it, word
    for word (with the manager's optional free text), so admins keep the list. Retired reasons
    are made inactive, never deleted: rejections already given keep their words."""

    label = models.CharField(
        _("reason"),
        max_length=200,
        unique=True,
        help_text=_("Shown to the partner exactly as written. Name no other partner."),
    )
    active = models.BooleanField(_("offered to managers"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label
