"""Changing a partner's tier: by hand, or by approving a proposal of the evaluation."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users, vendor_side
from apps.core import transitions
from apps.core.events import send_after_commit
from apps.core.formatting import format_date
from apps.core.signals import rows_written
from apps.notifications.services import Text, notify
from apps.partners.models import Partner
from apps.program.models import Tier

from ..events import tier_changed
from ..models import Direction, ProposalStatus, TierChange, TierProposal, TierStanding
from .figures import figures_for

TIER_CHANGED_BODY = gettext_noop(
    "Your partner tier changed from %(from)s to %(to)s. "
    "See your tier page for its benefits and what the next tier needs."
)


def direction_between(from_tier: Tier | None, to_tier: Tier | None) -> str:
    rank = lambda t: t.rank if t is not None else 0  # noqa: E731
    return Direction.PROMOTION if rank(to_tier) > rank(from_tier) else Direction.DEMOTION


def tier_change_apply(
    *,
    partner,
    to_tier: Tier | None,
    actor=None,
    reason: str,
    figures: dict,
    proposal: TierProposal | None = None,
    now: datetime | None = None,
) -> TierChange:
    """Set the partner's tier and record why. Partner.stage is a protected FSM field, so only the
    tier column is written."""
    now = now or timezone.now()
    from_tier = partner.tier
    Partner.objects.filter(pk=partner.pk).update(tier=to_tier)
    rows_written(Partner)  # no post_save from update(): the dashboard's money by tier changed
    partner.tier = to_tier
    return record_tier_change(
        partner=partner,
        from_tier=from_tier,
        actor=actor,
        reason=reason,
        figures=figures,
        proposal=proposal,
        now=now,
    )


def record_tier_change(
    *,
    partner,
    from_tier: Tier | None,
    actor,
    reason: str,
    figures: dict,
    now: datetime,
    proposal: TierProposal | None = None,
) -> TierChange:
    """Record a change of the tier already written on `partner`, tell the people concerned, and
    announce it (`tier_changed`, after commit)."""
    to_tier = partner.tier
    change = TierChange.objects.create(
        partner=partner,
        from_tier=from_tier,
        to_tier=to_tier,
        from_tier_name=from_tier.name if from_tier else "",
        to_tier_name=to_tier.name if to_tier else "",
        direction=direction_between(from_tier, to_tier),
        actor=actor,
        reason=reason[:500],
        figures=figures,
        proposal=proposal,
        at=now,
    )
    TierStanding.objects.filter(partner=partner).update(short_since=None)
    _notify_change(change, partner)
    announce_tier_changed(change)
    return change


def announce_tier_changed(change: TierChange) -> None:
    send_after_commit(
        tier_changed,
        TierChange,
        change_id=change.pk,
        partner_id=change.partner_id,
        from_tier_id=change.from_tier_id,
        to_tier_id=change.to_tier_id,
        direction=change.direction,
    )


def _notify_change(change: TierChange, partner) -> None:
    if change.direction == Direction.PROMOTION:
        subject = gettext_noop("%(partner)s promoted to %(to)s")
    else:
        subject = gettext_noop("%(partner)s moved to %(to)s")
    labels = {"partner": partner.name, "from": change.from_label, "to": change.to_label}
    notify(
        recipients=vendor_side(partner),
        kind="tier_change",
        subject=Text(subject, labels),
        body=Text(
            gettext_noop("%(partner)s: %(from)s → %(to)s. %(reason)s"),
            {**labels, "reason": change.reason},
        ),
        key=f"tier-change:{change.pk}",
        link=_partner_link(partner),
    )
    notify(
        recipients=partner_users(partner.pk),
        kind="tier_change",
        subject=Text(gettext_noop("Your company is now %(to)s"), labels),
        body=Text(TIER_CHANGED_BODY, labels),
        key=f"tier-change:{change.pk}",
        link=portal_tier_link(),
    )


def _set_by_hand_reason(actor) -> str:
    return f"Set by hand by {actor.get_full_name() or actor.username}."


def _withdraw_overtaken(partner, actor, now: datetime) -> None:
    TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN).update(
        status=ProposalStatus.WITHDRAWN,
        decided_at=now,
        decided_by=actor,
        decision_note="The tier was set by hand.",
    )


def tier_set_by_hand(
    *, partner, to_tier: Tier | None, actor, reason: str = "", now: datetime | None = None
) -> TierChange | None:
    """A manager or admin places a partner in a tier directly: the change is recorded with the
    figures of the moment, and an open proposal it overtakes is withdrawn. Returns None when the
    tier is unchanged."""
    now = now or timezone.now()
    if (to_tier.pk if to_tier else None) == partner.tier_id:
        return None
    with transaction.atomic():
        _withdraw_overtaken(partner, actor, now)
        return tier_change_apply(
            partner=partner,
            to_tier=to_tier,
            actor=actor,
            reason=reason or _set_by_hand_reason(actor),
            figures=figures_for(partner, now).as_json(),
            now=now,
        )


def record_tier_set_by_hand(
    *, partner, from_tier_id: int | None, actor, now: datetime | None = None
) -> TierChange | None:
    """The partners app wrote a tier set on the partner form or API (partners.events.
    partner_tier_set): record it as `tier_set_by_hand` would, in the same transaction."""
    now = now or timezone.now()
    if from_tier_id == partner.tier_id:
        return None
    _withdraw_overtaken(partner, actor, now)
    return record_tier_change(
        partner=partner,
        from_tier=Tier.objects.filter(pk=from_tier_id).first() if from_tier_id else None,
        actor=actor,
        reason=_set_by_hand_reason(actor),
        figures=figures_for(partner, now).as_json(),
        now=now,
    )


def _partner_link(partner) -> str:
    return reverse("partners:detail", args=[partner.pk])


def portal_tier_link() -> str:
    return reverse("portal:tier")


def proposal_transition(
    *, proposal: TierProposal, name: str, actor, note: str = "", now: datetime | None = None
) -> TierProposal:
    """Approve or dismiss a tier proposal — the one way, whichever door it came through."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            TierProposal.objects.select_for_update(of=("self",))
            .select_related("partner__tier", "proposed_tier", "current_tier")
            .get(pk=proposal.pk)
        )
        transitions.apply(locked, "status", name, user=actor)
        locked.decided_at = now
        locked.decided_by = actor
        locked.decision_note = note[:500]
        TierProposal.objects.filter(pk=locked.pk).update(
            decided_at=now, decided_by=actor, decision_note=locked.decision_note
        )
        if name == "approve":
            who = actor.get_full_name() or actor.username
            tier_change_apply(
                partner=locked.partner,
                to_tier=locked.proposed_tier,
                actor=actor,
                reason=(
                    f"{locked.get_direction_display()} proposed by the tier evaluation on "
                    f"{format_date(locked.created_at)}, approved by {who}."
                    + (f" {note}" if note else "")
                ),
                figures=locked.figures,
                proposal=locked,
                now=now,
            )
    return locked
