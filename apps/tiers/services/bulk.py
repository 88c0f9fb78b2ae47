"""Approving several tier proposals at once, shown before it is done and done as shown:
`proposals_approve_plan` says which partners move from which tier to which (and which of the
chosen proposals cannot be approved, and why: the approval's own conditions), and
`proposals_approve` approves exactly the plan a person confirmed, or asks again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import transitions
from apps.core.confirmations import PlanChanged, fingerprint

from ..models import ProposalStatus, TierProposal
from .changes import proposal_transition

MAX_BULK = 200  # proposals in one confirmation: a page a person can read


@dataclass(frozen=True)
class TierMove:
    proposal_id: int
    partner_id: int
    partner_name: str
    direction: str  # its label: "Promotion", "Demotion"
    from_label: str
    to_label: str


@dataclass(frozen=True)
class NotApproved:
    proposal_id: int
    partner_name: str
    reason: str


@dataclass(frozen=True)
class BulkApproval:
    moves: tuple[TierMove, ...]
    not_approved: tuple[NotApproved, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            [f"{m.proposal_id}:{m.partner_id}:{m.from_label}:{m.to_label}" for m in self.moves]
            + [f"x{n.proposal_id}" for n in self.not_approved]
        )


def proposals_approve_plan(*, ids: list[int]) -> BulkApproval:
    """What approving the proposals `ids` would do now; writes nothing. Ids of no proposal are
    left out (the caller validated the form)."""
    proposals = (
        TierProposal.objects.filter(pk__in=ids[:MAX_BULK])
        .select_related("partner", "current_tier", "proposed_tier")
        .order_by("partner__name", "id")
    )
    moves, not_approved = [], []
    for p in proposals:
        if p.status != ProposalStatus.OPEN:
            reason = _("It was %(status)s meanwhile.") % {"status": p.get_status_display().lower()}
        else:
            unmet = transitions.unmet_conditions(p, "status", "approve")
            reason = " ".join(str(u) for u in unmet)
        if reason:
            not_approved.append(NotApproved(p.pk, p.partner.name, reason))
        else:
            moves.append(
                TierMove(
                    proposal_id=p.pk,
                    partner_id=p.partner_id,
                    partner_name=p.partner.name,
                    direction=str(p.get_direction_display()),
                    from_label=p.current_label,
                    to_label=p.proposed_label,
                )
            )
    return BulkApproval(moves=tuple(moves), not_approved=tuple(not_approved))


def proposals_approve(
    *, ids: list[int], actor, confirmed: str, note: str = "", now: datetime | None = None
) -> BulkApproval:
    """Approve every proposal the confirmed plan moves, all or none: each through
    proposal_transition (the one way a proposal is approved, its tier change recorded and
    told). A plan that changed meanwhile raises PlanChanged (apps.core.confirmations) and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the chosen proposals first, so the plan checked is the plan applied.
        list(TierProposal.objects.select_for_update().filter(pk__in=ids[:MAX_BULK]).order_by("pk"))
        plan = proposals_approve_plan(ids=ids)
        if plan.fingerprint != confirmed:
            raise PlanChanged(
                _(
                    "The chosen proposals changed since they were shown (one was decided, or a "
                    "partner's tier changed meanwhile). Here is what approving them does now."
                ),
                plan,
            )
        for move in plan.moves:
            proposal_transition(
                proposal=TierProposal(pk=move.proposal_id),
                name="approve",
                actor=actor,
                note=note,
                now=now,
            )
    return plan
