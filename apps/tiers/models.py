"""Tier placement: the nightly evaluation's proposals, standings, and the history of every tier
change. The Tier itself and the exchange rates are program configuration (apps.program)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_stubs_ext import StrOrPromise

from apps.core.ids import RandomIdModel
from apps.core.transitions import condition

# Read in the language of whoever reads it (a notification's recipient, a page's user).
NO_TIER = _("No tier")

# Re-exported for apps/dashboard/metrics/deals.py until it reads rates through apps.program.money.


class Direction(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    DEMOTION = "demotion", _("Demotion")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    DISMISSED = "dismissed", _("Dismissed")
    # Closed by the evaluation itself: the partner's figures no longer call for this change.
    WITHDRAWN = "withdrawn", _("Withdrawn (no longer applies)")


def _is_staff(proposal, user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff_role)


class TierProposal(ConcurrentTransitionMixin, RandomIdModel):
    """A tier change the evaluation suggests; a manager approves or dismisses it.

    Tier names are kept beside the foreign keys so the record still reads right after an admin
    renames or deletes a tier.
    """

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="tier_proposals"
    )
    current_tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_tier_name = models.CharField(max_length=60, blank=True)
    proposed_tier_name = models.CharField(max_length=60, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    figures = models.JSONField(default=dict)
    status = FSMField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, protected=True
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(status="open"),
                name="one_open_tier_proposal_per_partner",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="tierprop_status_idx"),
            models.Index(fields=["partner", "status", "decided_at"], name="tierprop_partner_idx"),
            # Dismissals whose hold runs out between two runs of the evaluation.
            models.Index(
                fields=["decided_at"],
                include=["partner"],
                name="tierprop_dismissed_idx",
                condition=models.Q(status="dismissed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} of {self.partner} to {self.proposed_label}"

    @property
    def current_label(self) -> StrOrPromise:
        return self.current_tier_name or NO_TIER

    @property
    def proposed_label(self) -> StrOrPromise:
        return self.proposed_tier_name or NO_TIER

    @condition(
        _("The partner's tier has changed since this was proposed; wait for the next evaluation.")
    )
    def tier_unchanged(self) -> bool:
        return self.partner.tier_id == self.current_tier_id

    @condition(_("The proposed tier no longer exists."))
    def target_exists(self) -> bool:
        return self.proposed_tier_id is not None or not self.proposed_tier_name

    @transition(
        field=status,
        source=ProposalStatus.OPEN,
        target=ProposalStatus.APPROVED,
        conditions=[tier_unchanged, target_exists],
        permission=_is_staff,
        custom={"label": _("Approve")},
    )
    def approve(self) -> None:
        pass

    @transition(
        field=status,
        source=ProposalStatus.OPEN,
        target=ProposalStatus.DISMISSED,
        permission=_is_staff,
        custom={"label": _("Dismiss")},
    )
    def dismiss(self) -> None:
        pass


class TierChange(models.Model):
    """The partner's tier history: every change, by whom, why, and the figures at the time."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_tier_name = models.CharField(max_length=60, blank=True)
    to_tier_name = models.CharField(max_length=60, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500)
    figures = models.JSONField(default=dict)
    proposal = models.OneToOneField(
        TierProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="change"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partner", "at"], name="tierchange_partner_idx")]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> StrOrPromise:
        return self.from_tier_name or NO_TIER

    @property
    def to_label(self) -> StrOrPromise:
        return self.to_tier_name or NO_TIER


class TierStanding(models.Model):
    """What the last evaluation found for a partner, and since when it has been short of its
    tier's requirements (the demotion grace period counts from `short_since`)."""

    partner = models.OneToOneField(
        "partners.Partner", primary_key=True, on_delete=models.CASCADE, related_name="tier_standing"
    )
    qualifying_tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    won_value = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    won_deals = models.PositiveIntegerField(default=0)
    missing_rates = models.JSONField(default=list, blank=True)
    short_since = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField()
    # The partner as the evaluation saw it: a tier or stage change since (by hand, an approval,
    # an exit and a return) calls for evaluating it again.
    tier_when_evaluated = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage_entered_when_evaluated = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Those whose demotion grace period runs out between two runs.
            models.Index(
                fields=["short_since"],
                name="tierstanding_short_idx",
                condition=models.Q(short_since__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} standing at {self.evaluated_at:%Y-%m-%d}"


class EvaluationMark(models.Model):
    """The last tier evaluation (one row): which moment it evaluated, when by the database's
    clock it started, and the configuration it applied. The next run re-evaluates only the
    partners something happened to since; another configuration means everyone again."""

    evaluated_for = models.DateTimeField()
    started_at = models.DateTimeField()
    config = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Tier evaluation for {self.evaluated_for:%Y-%m-%d %H:%M}"
