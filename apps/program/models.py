"""The partner program an admin configures: partner types, tiers, settings, stages, playbooks."""

from __future__ import annotations

import copy
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core import iso

from .stages import Stage, stage_name

# The program settings as one request read them (`ProgramSettings.get()`): a page's parts each ask
# for them, and a request reads the row once. Outside a request (a task, a command, a test calling
# a service) there is no memo and every call reads the row. Set and cleared by the request
# signals (apps.program.apps), emptied by a save.
_settings_memo: ContextVar[dict | None] = ContextVar("program_settings_memo", default=None)


def settings_memo_start(**kwargs) -> None:
    _settings_memo.set({})


def settings_memo_end(**kwargs) -> None:
    _settings_memo.set(None)


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
    key = models.SlugField(
        _("key"),
        max_length=40,
        unique=True,
        help_text=_("Lowercase letters, digits and hyphens; used by the API."),
    )
    name = models.CharField(_("name"), max_length=100)
    onboarding_days = models.PositiveSmallIntegerField(
        _("onboarding period (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("Days from the start of onboarding to its due date."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# An approved registration's protection for a partner without a tier.
DEFAULT_PROTECTION_DAYS = 90


class Tier(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the entry tier.")
    )
    min_won_value = models.DecimalField(
        _("won value required"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    min_won_deals = models.PositiveIntegerField(_("won deals required"), default=0)
    # People of the partner holding an active certification (any course); the tier evaluation
    # reads them from enablement (apps/tiers).
    min_certified_people = models.PositiveSmallIntegerField(
        _("certified people required"), default=0, validators=[MaxValueValidator(1000)]
    )
    protection_days = models.PositiveSmallIntegerField(
        _("deal protection (days)"),
        default=DEFAULT_PROTECTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    qbr_cadence_months = models.PositiveSmallIntegerField(
        _("QBR every (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    description = models.TextField(_("other benefits"), blank=True)
    # The partner's rebate on each won registration's value (funds: earnings).
    rebate_percent = models.DecimalField(
        _("rebate (%)"),
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


def validate_base_currency(value: str) -> None:
    """An ISO 4217 currency a program can count money in ("XYZ" and the funds codes are not)."""
    if value not in iso.CURRENCY_CODES:
        raise ValidationError(iso.CURRENCY_ERROR, code="invalid_currency", params={"value": value})


class ProgramSettings(models.Model):
    """One row: the program-wide rules. Read it with ProgramSettings.get()."""

    qualification_threshold = models.PositiveSmallIntegerField(
        _("qualification score needed (4C)"),
        default=12,
        validators=[MinValueValidator(4), MaxValueValidator(20)],
        help_text=_("The 4C score (sum of four 1–5 scores) a prospect needs to start onboarding."),
    )
    review_sla_hours = models.PositiveSmallIntegerField(
        _("review deadline (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("How long managers have to approve or reject a submitted deal registration."),
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions per registration"),
        default=2,
        validators=[MaxValueValidator(10)],
        help_text=_("How many times a partner may have a registration's protection extended."),
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The most days one extension may add to a registration's protection."),
    )
    base_currency = models.CharField(
        _("currency of the program's figures"),
        max_length=3,
        default="USD",
        validators=[validate_base_currency],
        help_text=_(
            "Tier thresholds, fund budgets and the dashboard's totals are in this currency."
        ),
    )
    onboarding_reminder_days = models.JSONField(
        _("onboarding reminders (days before due)"), default=default_onboarding_reminders
    )
    agreement_reminder_days = models.JSONField(
        _("agreement reminders (days before the end)"), default=default_agreement_reminders
    )
    deal_expiry_reminder_days = models.PositiveSmallIntegerField(
        _("protection ending reminder (days before)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "The partner is reminded this many days before a registration's protection ends."
        ),
    )
    qbr_reminder_days = models.JSONField(
        _("QBR reminder (days before)"), default=default_qbr_reminders
    )
    auto_apply_promotions = models.BooleanField(
        _("apply promotions without approval"),
        default=False,
        help_text=_(
            "Promotions the nightly evaluation finds take effect at once; demotions always wait "
            "for a manager."
        ),
    )
    demotion_grace_days = models.PositiveSmallIntegerField(
        _("demotion grace period (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("How long a partner below its tier's requirements keeps the tier."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("program settings")
        verbose_name_plural = _("program settings")

    def __str__(self) -> str:
        return "Program settings"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        memo = _settings_memo.get()
        if memo is not None:
            # The rest of the request reads the row each time: what it saved may yet be rolled
            # back, and a kept copy would outlive that.
            memo.clear()
            memo["saved"] = True

    @classmethod
    def get(cls) -> ProgramSettings:
        """The program's settings row (made with the defaults the first time). Within a request,
        read once: each caller gets its own copy, so one caller's unsaved change never reaches
        another."""
        memo = _settings_memo.get()
        if memo and "row" in memo:
            return copy.copy(memo["row"])
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
        if memo is not None and not memo.get("saved"):
            memo["row"] = copy.copy(obj)
        return obj


class StageConfig(models.Model):
    """What admins may change about a stage: its name on screen and its target duration."""

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, unique=True)
    display_name = models.CharField(_("name on screen"), max_length=60)
    target_days = models.PositiveSmallIntegerField(
        _("target duration (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("How long a partner should stay in this stage; empty for no target."),
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def by_stage(cls) -> dict[str, StageConfig]:
        """Display names and targets by stage (one query); a stage without its row gets an
        unsaved default (no name of its own: its label; no target)."""
        found: dict[str, StageConfig] = {c.stage: c for c in StageConfig.objects.all()}
        for stage in Stage:
            found.setdefault(stage.value, StageConfig(stage=stage, display_name=""))
        return found

    @property
    def name(self) -> str:
        """The name on screen in the reader's language (`stages.stage_name`)."""
        return stage_name(self.stage, self.display_name)


class PlaybookTaskTemplate(models.Model):
    """One task of a stage's playbook, copied to a partner's tasks when it enters the stage."""

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, db_index=True)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(_("done by"), max_length=10, choices=OwnerSide.choices)
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=7,
        validators=[MaxValueValidator(730)],
        help_text=_("Days after entering the stage the task is due."),
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Onboarding is complete only once it is done.")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower first in the stage's playbook.")
    )
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


currency_code = RegexValidator(r"^[A-Z]{3}\Z", _("Use a three-letter ISO 4217 code, e.g. EUR."))


class ExchangeRate(models.Model):
    """One unit of `currency` is worth `rate_to_base` units of the program's base currency from
    `effective_date` until the next rate for that currency takes effect."""

    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    rate_to_base = models.DecimalField(
        _("rate to the base currency"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(0)],
    )
    effective_date = models.DateField(_("effective from"))
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
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower first in the managers' list.")
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label
