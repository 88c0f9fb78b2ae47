"""A partner company and its lifecycle: the stage machine, its history and playbook tasks."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core.ids import RandomIdModel
from apps.core.iso import validate_country_code
from apps.core.transitions import condition, history_label
from apps.program.models import DEFAULT_PROTECTION_DAYS, ProgramSettings
from apps.program.stages import ACTIVE_STAGES, Stage

__all__ = ["ACTIVE_STAGES", "Partner", "Stage", "StageHistory", "Task"]

QUALIFICATION_FIELDS = (
    "qualification_customer",
    "qualification_credibility",
    "qualification_capability",
    "qualification_commitment",
)
DEFAULT_ONBOARDING_DAYS = 90
MAX_SPECIALIZATION_LENGTH = 60
MAX_REACH_ITEMS = 60  # countries or specializations on one partner


def _score_field(label: str, help_text: str):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=help_text,
    )


def _staff(instance, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


@condition(_("The partner is not qualified: its 4C score is below the program's threshold."))
def qualified_by_4c(partner: Partner) -> bool:
    return partner.is_qualified


@condition(_("The partner has no active (signed) agreement."))
def has_active_agreement(partner: Partner) -> bool:
    return partner.agreements.filter(status="active").exists()


@condition(_("Some required onboarding tasks are not done yet."))
def onboarding_tasks_done(partner: Partner) -> bool:
    return not partner.open_required_tasks(Stage.ONBOARDING).exists()


@condition(_("Some required expansion tasks are not done yet."))
def expansion_tasks_done(partner: Partner) -> bool:
    return not partner.open_required_tasks(Stage.EXPANSION).exists()


# The conditions of the onboarding sweep's partial indexes (it filters with these same objects so
# the planner matches them): partners in onboarding not yet alerted for their due date, and
# undone onboarding tasks not yet reminded for theirs.
ONBOARDING_DUE = models.Q(stage="onboarding") & ~models.Q(
    onboarding_overdue_alerted_for=models.F("onboarding_due_date")
)
TASK_OVERDUE_DUE = models.Q(stage="onboarding", done=False) & ~models.Q(
    overdue_reminded_for=models.F("due_date")
)


class Partner(ConcurrentTransitionMixin, models.Model):
    name = models.CharField(max_length=200)
    website = models.URLField(max_length=300, blank=True)
    partner_type = models.ForeignKey(
        "program.PartnerType",
        null=True,  # the form and the API require it; rows made before the program existed
        on_delete=models.PROTECT,
        related_name="partners",
    )
    tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="partners"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_partners",
        help_text="The partner manager who owns this partnership.",
    )
    stage = FSMField(
        default=Stage.RECRUITMENT, choices=Stage.choices, protected=True, db_index=True
    )
    stage_entered_at = models.DateTimeField(default=timezone.now)
    qualification_customer = _score_field("Customer", "Do they reach the customers we want?")
    qualification_credibility = _score_field("Credibility", "Reputation and references.")
    qualification_capability = _score_field("Capability", "Skills to sell and deliver.")
    qualification_commitment = _score_field("Commitment", "Resources they will invest.")
    onboarding_started_at = models.DateTimeField(null=True, blank=True)
    onboarding_due_date = models.DateField(null=True, blank=True)
    # The due date whose overdue alert the onboarding sweep sent: out of its due index since.
    onboarding_overdue_alerted_for = models.DateField(null=True, blank=True, editable=False)
    onboarding_completed_at = models.DateTimeField(null=True, blank=True)
    # When the 4C scores first reached the program's threshold (the recruitment funnel's
    # "qualified" step); cleared if they fall below it again.
    qualified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The partner's reach (DESIGN.md section 17): what lead routing matches and the locator shows.
    # Managers edit them; a partner admin proposes countries and specializations in the portal
    # (proposed_* until a manager applies them) and opts in to the locator directly.
    countries = ArrayField(
        models.CharField(max_length=2, validators=[validate_country_code]),
        default=list,
        blank=True,
        size=MAX_REACH_ITEMS,
        help_text="ISO 3166-1 codes of the countries the partner serves, e.g. DE, FR.",
    )
    specializations = ArrayField(
        models.CharField(max_length=MAX_SPECIALIZATION_LENGTH),
        default=list,
        blank=True,
        size=MAX_REACH_ITEMS,
        help_text="What the partner is good at, e.g. Security, Cloud migration.",
    )
    listed_in_locator = models.BooleanField(
        default=False, help_text="Shown in the public partner locator (/partners/find/)."
    )
    # A partner admin's proposal of countries and specializations, waiting for a manager (null:
    # none waiting).
    proposed_countries = ArrayField(
        models.CharField(max_length=2, validators=[validate_country_code]),
        null=True,
        blank=True,
        size=MAX_REACH_ITEMS,
        editable=False,
    )
    proposed_specializations = ArrayField(
        models.CharField(max_length=MAX_SPECIALIZATION_LENGTH),
        null=True,
        blank=True,
        size=MAX_REACH_ITEMS,
        editable=False,
    )
    reach_proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: a page that has read the program settings already sets the qualification
    # threshold here, to spare a query each time a condition asks `is_qualified`.
    known_threshold: int | None = None

    class Meta:
        ordering = ["name"]
        indexes = [
            # The onboarding sweep's due work (apps/onboarding/sweeps.py).
            models.Index(
                fields=["onboarding_due_date"],
                name="partner_onboarding_due_idx",
                condition=ONBOARDING_DUE,
            ),
            # Lead routing and the locator filter on these (`countries @> ['DE']`).
            GinIndex(fields=["countries"], name="partner_countries_gin"),
            GinIndex(fields=["specializations"], name="partner_specializations_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                name=f"partner_{field}_1_5",
                condition=models.Q(**{f"{field}__isnull": True})
                | models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
            )
            for field in QUALIFICATION_FIELDS
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])

    # --- qualification (4C) -------------------------------------------------------------------
    @property
    def qualification_scores(self) -> list[int | None]:
        return [getattr(self, f) for f in QUALIFICATION_FIELDS]

    @property
    def qualification_score(self) -> int | None:
        scores = [s for s in self.qualification_scores if s is not None]
        return sum(scores) if scores else None

    def qualified_against(self, threshold: int) -> bool:
        scores = [s for s in self.qualification_scores if s is not None]
        return len(scores) == len(QUALIFICATION_FIELDS) and sum(scores) >= threshold

    @property
    def is_qualified(self) -> bool:
        # A page that has read the settings already sets known_threshold to spare a query.
        threshold = self.known_threshold
        if threshold is None:
            threshold = ProgramSettings.get().qualification_threshold
        return self.qualified_against(threshold)

    # --- access and time ----------------------------------------------------------------------
    @property
    def has_portal_access(self) -> bool:
        return self.stage != Stage.EXITED

    @property
    def is_active_partner(self) -> bool:
        return self.stage in ACTIVE_STAGES

    @property
    def protection_days(self) -> int:
        """How long an approved registration of this partner protects the customer: its tier's
        protection, or the program's default without a tier."""
        return self.tier.protection_days if self.tier is not None else DEFAULT_PROTECTION_DAYS

    def days_in_stage(self, now=None) -> int:
        return max(0, ((now or timezone.now()) - self.stage_entered_at).days)

    @property
    def onboarding_due(self) -> date | None:
        """The onboarding deadline while onboarding runs; once the partner is past it (or never
        reached it) a due date would read as overdue."""
        return self.onboarding_due_date if self.stage == Stage.ONBOARDING else None

    def open_required_tasks(self, stage: str):
        """Required tasks of this visit of the stage (an earlier visit's tasks don't count)."""
        return self.tasks.filter(
            stage=stage, required=True, done=False, stage_visit=self.stage_entered_at
        )

    def _enter(self, now) -> None:
        self.stage_entered_at = now

    # --- the lifecycle (transitions only change state; services/partner_transition does the rest)
    @transition(
        field=stage,
        source=Stage.RECRUITMENT,
        target=Stage.ONBOARDING,
        conditions=[qualified_by_4c, has_active_agreement],
        permission=_staff,
        custom={"label": _("Start onboarding")},
    )
    def start_onboarding(self, now=None):
        now = now or timezone.now()
        self._enter(now)
        days = self.partner_type.onboarding_days if self.partner_type else DEFAULT_ONBOARDING_DAYS
        self.onboarding_started_at = now
        self.onboarding_due_date = timezone.localdate(now) + timedelta(days=days)
        self.onboarding_completed_at = None

    @transition(
        field=stage,
        source=Stage.ONBOARDING,
        target=Stage.GROWTH,
        conditions=[onboarding_tasks_done],
        permission=_staff,
        custom={"label": _("Complete onboarding")},
    )
    def complete_onboarding(self, now=None):
        now = now or timezone.now()
        self._enter(now)
        self.onboarding_completed_at = now

    @transition(
        field=stage,
        source=Stage.GROWTH,
        target=Stage.EVALUATION,
        permission=_staff,
        custom={"label": _("Start evaluation")},
    )
    def start_evaluation(self, now=None):
        self._enter(now or timezone.now())

    @transition(
        field=stage,
        source=Stage.EVALUATION,
        target=Stage.GROWTH,
        permission=_staff,
        custom={"label": _("Continue growth")},
    )
    def continue_growth(self, now=None):
        self._enter(now or timezone.now())

    @transition(
        field=stage,
        source=Stage.EVALUATION,
        target=Stage.EXPANSION,
        permission=_staff,
        custom={"label": _("Start expansion")},
    )
    def start_expansion(self, now=None):
        self._enter(now or timezone.now())

    @transition(
        field=stage,
        source=Stage.EXPANSION,
        target=Stage.GROWTH,
        conditions=[expansion_tasks_done],
        permission=_staff,
        custom={"label": _("Complete expansion")},
    )
    def complete_expansion(self, now=None):
        self._enter(now or timezone.now())

    @transition(
        field=stage,
        source=[Stage.RECRUITMENT, *ACTIVE_STAGES],
        target=Stage.EXITED,
        permission=_staff,
        custom={"label": _("Exit partner")},
    )
    def exit(self, now=None):
        self._enter(now or timezone.now())

    @transition(
        field=stage,
        source=Stage.EXITED,
        target=Stage.RECRUITMENT,
        permission=_staff,
        custom={"label": _("Re-engage")},
    )
    def reengage(self, now=None):
        self._enter(now or timezone.now())


class StageHistory(models.Model):
    """One transition of a partner: who, when, from, to, why. Never edited."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(max_length=40)
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    via = models.CharField(max_length=200, blank=True, help_text="What drove it, e.g. a QBR.")
    at = models.DateTimeField(db_index=True)
    # An exit's summary: what it did, each app's part (apps.core.exits.Effect.as_record), and
    # the fingerprint of the preview the person confirmed (blank when no preview was shown:
    # the API, a sweep).
    exit_effects = models.JSONField(default=list, blank=True)
    confirmed_impact = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "stage history"
        indexes = [models.Index(fields=["partner", "at"], name="stagehistory_partner_at")]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.from_stage} → {self.to_stage}"

    @property
    def transition_label(self) -> str:
        return history_label(Partner, "stage", self.transition)


class Task(RandomIdModel):
    """A playbook task of one partner, for one visit of a stage."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tasks")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # The partner's stage_entered_at when the task was made: which visit of the stage it serves.
    stage_visit = models.DateTimeField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_side = models.CharField(
        max_length=10, choices=[("vendor", _("Vendor (us)")), ("partner", _("Partner"))]
    )
    due_date = models.DateField(_("due on"), null=True, blank=True)
    required = models.BooleanField(default=True)
    done = models.BooleanField(default=False)
    # The due date whose overdue reminder the onboarding sweep sent: out of its due index since.
    overdue_reminded_for = models.DateField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Copied from the playbook: the event (program.CompletingEvent) that ticks the task off by
    # itself, and which event did when it did (empty when done by hand or still open).
    completes_on = models.CharField(max_length=40, blank=True)
    completed_by_event = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["stage_visit", "order", "id"]
        indexes = [
            models.Index(fields=["partner", "stage", "stage_visit"], name="task_visit"),
            # The onboarding sweep's overdue tasks not yet reminded (apps/onboarding/sweeps.py).
            models.Index(
                fields=["due_date"], name="task_overdue_due_idx", condition=TASK_OVERDUE_DUE
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def of_stay(self, partner: Partner) -> bool:
        """Whether the task belongs to the partner's present stay in its present stage. Once the
        partner has moved on (onboarding completed, an exit), the stay's tasks are its record."""
        return self.stage == partner.stage and self.stage_visit == partner.stage_entered_at

    def is_overdue(self, today=None) -> bool:
        return (
            not self.done
            and self.due_date is not None
            and self.due_date < (today or timezone.localdate())
        )
