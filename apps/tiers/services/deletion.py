"""Deleting a tier, shown before it is done and done as shown: `tier_delete_plan` says what the
deletion does — the partners on the tier and the tier they move to, the open proposals that
are withdrawn, or why it cannot be done — and `tier_delete` does exactly the plan a person
confirmed (its fingerprint), or asks again when it changed meanwhile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.confirmations import PlanChanged, fingerprint
from apps.core.errors import ConditionsUnmet
from apps.partners.models import Partner
from apps.program.models import Tier

from ..models import ProposalStatus, TierProposal
from .changes import tier_change_apply
from .figures import figures_for

NAMES_SHOWN = 5  # in a sentence; the plan page lists every partner


@dataclass(frozen=True)
class PartnerMove:
    partner_id: int
    name: str


@dataclass(frozen=True)
class TierDeletion:
    tier: Tier
    move_to: Tier | None  # where the partners on the tier go (None: not chosen)
    partners: tuple[PartnerMove, ...]  # on the tier now: they move to `move_to`
    proposals: tuple[TierProposal, ...]  # open proposals involving the tier: withdrawn
    blocked_by: tuple[str, ...] = field(default=())  # what still needs the tier (refusal)

    @property
    def unmet(self) -> list[str]:
        """Why it cannot be done as planned; empty when it can."""
        reasons = list(self.blocked_by)
        if self.partners and self.move_to is None:
            reasons.insert(0, partners_sentence(self) + " " + _("Move them to another tier first."))
        return reasons

    @property
    def is_plain(self) -> bool:
        """Nothing but the tier itself goes: what a door without a confirmation step may do."""
        return not self.partners and not self.proposals

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            [
                f"tier:{self.tier.pk}",
                f"to:{self.move_to.pk if self.move_to else ''}",
                *(f"p:{m.partner_id}" for m in self.partners),
                *(f"q:{p.pk}" for p in self.proposals),
                *(f"b:{b}" for b in self.blocked_by),
            ]
        )


def partners_sentence(plan: TierDeletion) -> str:
    count = len(plan.partners)
    names = ", ".join(m.name for m in plan.partners[:NAMES_SHOWN])
    if count > NAMES_SHOWN:
        names = _("%(names)s and %(more)s more") % {"names": names, "more": count - NAMES_SHOWN}
    return ngettext(
        "%(count)s partner is on this tier: %(names)s.",
        "%(count)s partners are on this tier: %(names)s.",
        count,
    ) % {"count": count, "names": names}


def proposals_sentence(plan: TierDeletion) -> str:
    count = len(plan.proposals)
    return ngettext(
        "%(count)s open tier proposal involves it.",
        "%(count)s open tier proposals involve it.",
        count,
    ) % {"count": count}


def _blocked_by(tier: Tier) -> tuple[str, ...]:
    """What else protects the tier from deletion (a course or a routing rule with it as the
    minimum tier), found as the deletion itself would find it."""
    collector = Collector(using=router.db_for_write(Tier))
    try:
        collector.collect([tier])
    except (ProtectedError, RestrictedError) as exc:
        found = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        by_model: dict[str, list[str]] = {}
        for obj in found:
            if isinstance(obj, (Partner, TierProposal)):
                continue  # moved and withdrawn by the plan itself
            by_model.setdefault(str(capfirst(obj._meta.verbose_name_plural)), []).append(str(obj))
        return tuple(
            _("%(things)s still require it: %(names)s. Change them first.")
            % {"things": things, "names": ", ".join(sorted(names))}
            for things, names in sorted(by_model.items())
        )
    return ()


def tier_delete_plan(*, tier: Tier, move_to: Tier | None = None) -> TierDeletion:
    """What deleting `tier` would do now, its partners moving to `move_to`; writes nothing."""
    if move_to is not None and move_to.pk == tier.pk:
        move_to = None
    partners = tuple(
        PartnerMove(pk, name)
        for pk, name in Partner.objects.filter(tier=tier)
        .order_by("name", "id")
        .values_list("pk", "name")
    )
    proposals = tuple(
        TierProposal.objects.filter(status=ProposalStatus.OPEN)
        .filter(Q(current_tier=tier) | Q(proposed_tier=tier))
        .select_related("partner")
        .order_by("partner__name", "id")
    )
    return TierDeletion(
        tier=tier,
        move_to=move_to,
        partners=partners,
        proposals=proposals,
        blocked_by=_blocked_by(tier),
    )


def tier_move_choices(tier: Tier) -> list[Tier]:
    return list(Tier.objects.exclude(pk=tier.pk).order_by("rank"))


def default_move_to(tier: Tier) -> Tier | None:
    """The tier just below (a partner keeps what it had earned below), else the one just above."""
    below = Tier.objects.filter(rank__lt=tier.rank).order_by("-rank").first()
    return below or Tier.objects.filter(rank__gt=tier.rank).order_by("rank").first()


def tier_usage(tier: Tier) -> list[str]:
    """Why the tier cannot simply be deleted (a door without a confirmation step: the API,
    Django admin); empty when nothing but the tier would go."""
    plan = tier_delete_plan(tier=tier)
    uses = plan.unmet
    if plan.proposals:
        uses.append(
            proposals_sentence(plan)
            + " "
            + _("Approve or dismiss them in the tier proposals queue first.")
        )
    return uses


def tier_delete(
    *,
    tier: Tier,
    move_to: Tier | None = None,
    actor=None,
    confirmed: str | None = None,
    now: datetime | None = None,
) -> TierDeletion:
    """Delete `tier`. Without `confirmed` (the API, Django admin) only a tier nothing uses is
    deleted. With it, the plan a person confirmed is done: its partners move to `move_to` (each
    change recorded and told as any tier change), its open proposals are withdrawn, then the
    tier goes. A plan that changed meanwhile raises PlanChanged (apps.core.confirmations) and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Tier.objects.select_for_update().get(pk=tier.pk)
        plan = tier_delete_plan(tier=locked, move_to=move_to)
        if confirmed is None:
            uses = tier_usage(locked)
            if uses:
                raise ConditionsUnmet(
                    _("%(tier)s is in use and cannot be deleted.") % {"tier": tier.name},
                    unmet=uses,
                )
        elif confirmed != plan.fingerprint:
            raise PlanChanged(
                _(
                    "What deleting this tier does has changed since it was shown (a partner or a "
                    "proposal moved meanwhile). Here is what it does now."
                ),
                plan,
            )
        elif plan.unmet:
            raise ConditionsUnmet(
                _("%(tier)s is in use and cannot be deleted.") % {"tier": tier.name},
                unmet=plan.unmet,
            )
        note = _("The tier %(tier)s was deleted.") % {"tier": locked.name}
        TierProposal.objects.filter(pk__in=[p.pk for p in plan.proposals]).update(
            status=ProposalStatus.WITHDRAWN, decided_at=now, decided_by=actor, decision_note=note
        )
        for partner in Partner.objects.filter(pk__in=[m.partner_id for m in plan.partners]):
            tier_change_apply(
                partner=partner,
                to_tier=plan.move_to,
                actor=actor,
                reason=note,
                figures=figures_for(partner, now).as_json(),
                now=now,
            )
        try:
            with transaction.atomic():
                locked.delete()
        except (ProtectedError, RestrictedError, IntegrityError) as exc:  # in use meanwhile
            raise ConditionsUnmet(
                _("%(tier)s is in use and cannot be deleted.") % {"tier": tier.name},
                unmet=[_("It is referenced elsewhere; reload and try again.")],
            ) from exc
    return plan
