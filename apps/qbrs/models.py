"""QBRs: the quarterly business review that turns the growth ⇄ evaluation loop, and its
action items. The status machine only changes state; `services.qbr_transition` runs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core.ids import RandomIdModel


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)


class Outcome(models.TextChoices):
    CONTINUE = "continue", _("Continue growth")
    EXPAND = "expand", _("Expand")
    EXIT = "exit", _("Exit")


class OwnerSide(models.TextChoices):
    VENDOR = "vendor", _("Vendor")
    PARTNER = "partner", _("Partner")


def _staff(obj, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


class QBR(ConcurrentTransitionMixin, RandomIdModel):
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="qbrs")
    quarter = models.CharField(max_length=7, help_text="The quarter under review, e.g. 2026-Q4.")
    scheduled_for = models.DateTimeField()
    status = FSMField(
        max_length=16, choices=Status.choices, default=Status.SCHEDULED, protected=True
    )
    satisfaction_score = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Shared with the partner once completed.")
    )
    internal_notes = models.TextField(
        _("internal notes (vendor only)"), blank=True, help_text=_("Never shown to the partner.")
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    # What the outcome did to the partner's stage, in words (also when it could not move it).
    stage_effect = models.CharField(max_length=300, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Reminder state, so a sweep looks only at what is newly due.
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        verbose_name = "QBR"
        verbose_name_plural = "QBRs"
        constraints = [
            # One QBR open at a time per partner: the scheduling sweep relies on it.
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status__in=["scheduled", "in_progress"]),
                name="qbr_one_open_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_score__isnull=True)
                | Q(satisfaction_score__gte=1, satisfaction_score__lte=10),
                name="qbr_score_1_to_10",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="qbr_completed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                name="qbr_open_due_idx",
                condition=Q(status__in=["scheduled", "in_progress"]),
            ),
            models.Index(fields=["partner", "status", "completed_at"], name="qbr_partner_idx"),
            # The reminder sweep's due work (apps/qbrs/sweeps.py): by the reminder last sent
            # (none first), then the time, so each threshold's due QBRs are one index range; and
            # the overdue ones not alerted yet.
            models.Index(
                fields=["reminded_days", "scheduled_for"],
                name="qbr_reminder_due_idx",
                condition=Q(status="scheduled"),
            ),
            models.Index(
                fields=["scheduled_for"],
                name="qbr_overdue_due_idx",
                condition=Q(status="scheduled", overdue_alerted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"QBR {self.quarter} #{self.pk}"

    @property
    def label(self) -> str:
        """How history entries name the QBR that drove a stage change."""
        return f"QBR {self.quarter} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @transition(field=status, source=Status.SCHEDULED, target=Status.IN_PROGRESS, permission=_staff)
    def start(self, now):
        self.started_at = now

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.COMPLETED, permission=_staff)
    def complete(self, *, now, outcome, reason, metrics, satisfaction_score=None, notes=None):
        self.completed_at = now
        self.outcome = outcome
        self.outcome_reason = reason
        self.metrics = metrics
        if satisfaction_score is not None:
            self.satisfaction_score = satisfaction_score
        if notes is not None:
            self.notes = notes

    @transition(
        field=status,
        source=[Status.SCHEDULED, Status.IN_PROGRESS],
        target=Status.CANCELLED,
        permission=_staff,
    )
    def cancel(self, now):
        self.cancelled_at = now


class ActionItem(RandomIdModel):
    qbr = models.ForeignKey(QBR, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=200)
    owner_side = models.CharField(max_length=8, choices=OwnerSide.choices)
    due_date = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done", "due_date", "created_at", "id"]  # ids are random: age by time
        indexes = [
            models.Index(
                fields=["due_date"],
                name="qbr_action_overdue_idx",
                condition=Q(done=False, overdue_reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title
