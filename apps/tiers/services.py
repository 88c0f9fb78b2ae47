"""Tier writes and the money arithmetic behind them.

Money: a registration keeps its own currency; `to_base` converts with the exchange rate in force
on a date. A figure that sums money says which rates it used, and flags what it could not convert
(`Figures.missing`) instead of silently counting it as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    ProtectedError,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from apps.core import transitions
from apps.core.errors import ConditionsUnmet
from apps.core.signals import rows_written
from apps.program.models import ProgramSettings, Tier

from .models import Direction, ExchangeRate, ProposalStatus, TierChange, TierProposal, TierStanding

CENT = Decimal("0.01")
WON = "won"

# Sensible bounds for tier configuration, shared by the settings page, the API and Django admin.
BOUNDS = {
    "rank": (1, 100),
    "min_won_value": (Decimal("0"), Decimal("999999999999.99")),
    "min_won_deals": (0, 100_000),
    "protection_days": (1, 365),
    "discount_percent": (Decimal("0"), Decimal("100")),
    "qbr_cadence_months": (1, 12),
}
NAME_MAX = 60
DESCRIPTION_MAX = 2000


# --- money ----------------------------------------------------------------------------------


def base_currency() -> str:
    return ProgramSettings.get().base_currency.upper()


def _as_date(on_date: date | datetime) -> date:
    if isinstance(on_date, datetime):
        return timezone.localdate(on_date) if timezone.is_aware(on_date) else on_date.date()
    return on_date


def rate_in_force(currency: str, on_date: date | datetime) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(
            currency=currency.upper(), effective_date__lte=_as_date(on_date)
        )
        .order_by("-effective_date")
        .first()
    )


def to_base(
    amount: Decimal, currency: str, on_date: date | datetime, *, base: str | None = None
) -> Decimal | None:
    """`amount` in `currency` converted to the base currency with the rate in force on `on_date`;
    None when no rate is in force (the caller must flag the figure, never count it as zero)."""
    base = (base or base_currency()).upper()
    if currency.upper() == base:
        return Decimal(amount).quantize(CENT)
    rate = rate_in_force(currency, on_date)
    if rate is None:
        return None
    return (Decimal(amount) * rate.rate_to_base).quantize(CENT)


def exchange_rate_save(*, rate: ExchangeRate) -> ExchangeRate:
    rate.currency = rate.currency.upper()
    rate.save()
    return rate


# --- figures over the trailing 12 months ----------------------------------------------------------


def window_start(now: datetime) -> datetime:
    """The same moment twelve calendar months earlier (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


@dataclass
class Figures:
    """A partner's won business in the trailing 12 months, in the base currency."""

    base: str
    start: datetime
    end: datetime
    won_value: Decimal = Decimal("0.00")
    won_deals: int = 0
    # currency -> amount that had no rate in force on its close date (not in won_value)
    missing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_currencies(self) -> list[str]:
        return sorted(self.missing)

    def meets(self, tier: Tier | None) -> bool:
        if tier is None:
            return True
        return self.won_value >= tier.min_won_value and self.won_deals >= tier.min_won_deals

    def as_json(self) -> dict:
        return {
            "won_value": str(self.won_value),
            "won_deals": self.won_deals,
            "base_currency": self.base,
            "window_start": self.start.isoformat(),
            "window_end": self.end.isoformat(),
            "converted_with": "the exchange rate in force on each registration's close date",
            "missing_rates": {cur: str(amount) for cur, amount in sorted(self.missing.items())},
        }


def won_figures(partner_ids: list[int] | None, now: datetime, *, base: str | None = None):
    """{partner_id: Figures} for won registrations closed in (now − 12 months, now].

    One query for any number of partners (`partner_ids` None: every active partner): each
    registration is converted in SQL with the rate in force on its close date, and the sums are
    grouped by partner and currency so a currency without a rate shows up instead of vanishing.
    """
    from apps.deals.models import DealRegistration
    from apps.partners.stages import ACTIVE_STAGES

    base = (base or base_currency()).upper()
    start = window_start(now)
    rate = ExchangeRate.objects.filter(
        currency=OuterRef("currency"), effective_date__lte=OuterRef("closed_at__date")
    ).order_by("-effective_date")
    money = DecimalField(max_digits=30, decimal_places=10)
    deals = DealRegistration.objects.filter(status=WON, closed_at__gte=start, closed_at__lte=now)
    if partner_ids is None:
        deals = deals.filter(partner__stage__in=ACTIVE_STAGES)
    else:
        deals = deals.filter(partner_id__in=partner_ids)
    rows = (
        deals.annotate(
            won=Coalesce("actual_value", "estimated_value"),
            rate=Case(
                When(currency=base, then=Value(Decimal("1"))),
                default=Subquery(rate.values("rate_to_base")[:1]),
                output_field=money,
            ),
        )
        .values("partner_id", "currency")
        .annotate(
            deals=Count("pk"),
            converted=Sum(F("won") * F("rate"), output_field=money),
            unconverted=Sum("won", filter=Q(rate__isnull=True), output_field=money),
        )
        .order_by()
    )
    result: dict[int, Figures] = {}
    for row in rows:
        figures = result.get(row["partner_id"])
        if figures is None:
            figures = result[row["partner_id"]] = Figures(base=base, start=start, end=now)
        figures.won_deals += row["deals"]
        if row["converted"] is not None:
            figures.won_value += Decimal(row["converted"])
        if row["unconverted"]:
            currency = row["currency"].upper()
            figures.missing[currency] = (
                figures.missing.get(currency, Decimal("0")) + Decimal(row["unconverted"])
            ).quantize(CENT)
    for figures in result.values():
        figures.won_value = figures.won_value.quantize(CENT)
    return result


def figures_for(partner, now: datetime | None = None, *, base: str | None = None) -> Figures:
    now = now or timezone.now()
    base = (base or base_currency()).upper()
    return won_figures([partner.pk], now, base=base).get(partner.pk) or Figures(
        base=base, start=window_start(now), end=now
    )


def qualifying_tier(figures: Figures, tiers_by_rank_desc: list[Tier]) -> Tier | None:
    return next((t for t in tiers_by_rank_desc if figures.meets(t)), None)


# --- tier configuration ----------------------------------------------------------------------


def tier_config_errors(
    *, instance: Tier | None, name: str, rank: int, min_won_value: Decimal, min_won_deals: int
) -> dict[str, list[str]]:
    """Rules across tiers: a unique name and rank, and requirements that never decrease as the
    rank rises (a higher tier asks at least as much as every lower one)."""
    others = list(Tier.objects.exclude(pk=getattr(instance, "pk", None)).order_by("rank"))
    errors: dict[str, list[str]] = {}
    if any(t.name.casefold() == name.casefold() for t in others):
        errors.setdefault("name", []).append("Another tier already has this name.")
    same_rank = next((t for t in others if t.rank == rank), None)
    if same_rank is not None:
        errors.setdefault("rank", []).append(f"{same_rank.name} already has rank {rank}.")
        return errors
    lower = [t for t in others if t.rank < rank]
    higher = [t for t in others if t.rank > rank]
    below = lower[-1] if lower else None
    above = higher[0] if higher else None
    for fld, value, unit in (
        ("min_won_value", min_won_value, "won value"),
        ("min_won_deals", min_won_deals, "won deals"),
    ):
        if below is not None and value < getattr(below, fld):
            errors.setdefault(fld, []).append(
                f"Must be at least {getattr(below, fld)}: {below.name} (rank {below.rank}) "
                f"already requires that much {unit}, and a higher tier never asks for less."
            )
        if above is not None and value > getattr(above, fld):
            errors.setdefault(fld, []).append(
                f"Must be at most {getattr(above, fld)}: {above.name} (rank {above.rank}) "
                f"requires only that much {unit}, and a lower tier never asks for more."
            )
    return errors


def tier_usage(tier: Tier) -> list[str]:
    """Where a tier is in use, in sentences an admin reads; empty when it may be deleted."""
    from apps.partners.models import Partner

    uses = []
    partners = list(
        Partner.objects.filter(tier=tier).order_by("name").values_list("name", flat=True)[:6]
    )
    if partners:
        count = Partner.objects.filter(tier=tier).count() if len(partners) > 5 else len(partners)
        shown = ", ".join(partners[:5]) + (f" and {count - 5} more" if count > 5 else "")
        noun = "partner is" if count == 1 else "partners are"
        uses.append(f"{count} {noun} on this tier: {shown}. Move them to another tier first.")
    proposals = TierProposal.objects.filter(status=ProposalStatus.OPEN).filter(
        Q(current_tier=tier) | Q(proposed_tier=tier)
    )
    open_count = proposals.count()
    if open_count:
        noun = "proposal involves" if open_count == 1 else "proposals involve"
        uses.append(
            f"{open_count} open tier {noun} it. Approve or dismiss them in the tier proposals queue first."
        )
    return uses


@transaction.atomic
def tier_delete(*, tier: Tier) -> None:
    uses = tier_usage(tier)
    if uses:
        raise ConditionsUnmet(f"{tier.name} is in use and cannot be deleted.", unmet=uses)
    try:
        with transaction.atomic():
            tier.delete()
    except (ProtectedError, IntegrityError) as exc:  # it came into use meanwhile
        raise ConditionsUnmet(
            f"{tier.name} is in use and cannot be deleted.",
            unmet=["It is referenced elsewhere; reload and try again."],
        ) from exc


# --- changing a partner's tier -----------------------------------------------------------------


def _direction(from_tier: Tier | None, to_tier: Tier | None) -> str:
    rank = lambda t: t.rank if t is not None else 0  # noqa: E731
    return Direction.PROMOTION if rank(to_tier) > rank(from_tier) else Direction.DEMOTION


def _recipients(partner) -> list:
    """The partner's manager (admins when it has none) and its active partner users."""
    from apps.accounts.models import Role, User

    staff = (
        [partner.manager_id]
        if partner.manager_id
        else list(
            User.objects.filter(
                Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True
            ).values_list("pk", flat=True)
        )
    )
    users = list(
        User.objects.filter(partner_id=partner.pk, role=Role.PARTNER, is_active=True).values_list(
            "pk", flat=True
        )
    )
    return staff, users


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
    from apps.notifications.services import notify
    from apps.partners.models import Partner

    now = now or timezone.now()
    from_tier = partner.tier
    Partner.objects.filter(pk=partner.pk).update(tier=to_tier)
    rows_written(Partner)  # no post_save from update(): the dashboard's money by tier changed
    partner.tier = to_tier
    change = TierChange.objects.create(
        partner=partner,
        from_tier=from_tier,
        to_tier=to_tier,
        from_tier_name=from_tier.name if from_tier else "",
        to_tier_name=to_tier.name if to_tier else "",
        direction=_direction(from_tier, to_tier),
        actor=actor,
        reason=reason[:500],
        figures=figures,
        proposal=proposal,
        at=now,
    )
    TierStanding.objects.filter(partner=partner).update(short_since=None)
    staff, users = _recipients(partner)
    word = "promoted" if change.direction == Direction.PROMOTION else "moved"
    notify(
        recipients=staff,
        kind="tier_change",
        subject=f"{partner.name} {word} to {change.to_label}",
        body=f"{partner.name}: {change.from_label} → {change.to_label}. {change.reason}",
        key=f"tier-change:{change.pk}",
        link=_partner_link(partner),
    )
    notify(
        recipients=users,
        kind="tier_change",
        subject=f"Your company is now {change.to_label}",
        body=(
            f"Your partner tier changed from {change.from_label} to {change.to_label}. "
            "See your tier page for its benefits and what the next tier needs."
        ),
        key=f"tier-change:{change.pk}",
        link=_portal_tier_link(),
    )
    return change


def tier_set_by_hand(
    *, partner, to_tier: Tier | None, actor, reason: str = "", now: datetime | None = None
) -> TierChange | None:
    """A manager or admin places a partner in a tier directly (e.g. from the partner form): the
    change is recorded with the figures of the moment, and an open proposal it overtakes is
    withdrawn. Returns None when the tier is unchanged."""
    now = now or timezone.now()
    if (to_tier.pk if to_tier else None) == partner.tier_id:
        return None
    with transaction.atomic():
        TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.WITHDRAWN,
            decided_at=now,
            decided_by=actor,
            decision_note="The tier was set by hand.",
        )
        who = actor.get_full_name() or actor.username
        return tier_change_apply(
            partner=partner,
            to_tier=to_tier,
            actor=actor,
            reason=reason or f"Set by hand by {who}.",
            figures=figures_for(partner, now).as_json(),
            now=now,
        )


def _partner_link(partner) -> str:
    try:
        return reverse("partners:detail", args=[partner.pk])
    except Exception:  # the partners app has not shipped its detail page yet
        return reverse("tiers:proposals")


def _portal_tier_link() -> str:
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
        transitions.apply(locked, "status", name, lambda s: s, user=actor)
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
                    f"{timezone.localdate(locked.created_at):%Y-%m-%d}, approved by {who}."
                    + (f" {note}" if note else "")
                ),
                figures=locked.figures,
                proposal=locked,
                now=now,
            )
    return locked


# --- the nightly evaluation ------------------------------------------------------------------------

# A manager's dismissal holds for this long before the evaluation may propose the same move again.
DISMISSAL_HOLDS_DAYS = 90


def _proposal_key(p: TierProposal) -> str:
    return f"tier-proposal:{p.pk}"


def evaluate_tiers(now: datetime) -> dict:
    """Place every active partner in the highest tier whose requirements it meets.

    A constant number of queries whatever the number of partners: one aggregation for the
    figures, one read each for partners, standings, open and recently dismissed proposals, then
    bulk writes. Idempotent: a second run at the same state changes and sends nothing; two runs
    at once take turns (the program settings row is the lock), so the second finds it all done.
    """
    program = ProgramSettings.get()
    with transaction.atomic():
        program = ProgramSettings.objects.select_for_update().get(pk=program.pk)
        return _evaluate(program, now)


def _evaluate(program: ProgramSettings, now: datetime) -> dict:
    from apps.partners.models import Partner
    from apps.partners.stages import ACTIVE_STAGES

    base = program.base_currency.upper()
    tiers = list(Tier.objects.order_by("-rank"))
    tiers_by_id = {t.pk: t for t in tiers}
    partners = list(
        Partner.objects.filter(stage__in=ACTIVE_STAGES).only(
            "pk", "name", "stage", "tier_id", "manager_id"
        )
    )
    figures_by_partner = won_figures(None, now, base=base)
    standings = {
        s.partner_id: s for s in TierStanding.objects.filter(partner__stage__in=ACTIVE_STAGES)
    }
    open_proposals = {
        p.partner_id: p
        for p in TierProposal.objects.filter(
            status=ProposalStatus.OPEN, partner__stage__in=ACTIVE_STAGES
        )
    }
    held = set(
        TierProposal.objects.filter(
            status=ProposalStatus.DISMISSED,
            decided_by__isnull=False,
            decided_at__gte=now - timedelta(days=DISMISSAL_HOLDS_DAYS),
            partner__stage__in=ACTIVE_STAGES,
        ).values_list("partner_id", "current_tier_id", "proposed_tier_id")
    )
    grace = timedelta(days=program.demotion_grace_days)
    start = window_start(now)

    new_standings, changed_standings = [], []
    to_withdraw: list[int] = []
    refreshed: list[TierProposal] = []
    new_proposals: list[TierProposal] = []
    auto_promotions: list[tuple] = []
    counts = {"evaluated": 0, "proposed": 0, "promoted": 0, "withdrawn": 0, "missing_rates": 0}

    for partner in partners:
        counts["evaluated"] += 1
        figures = figures_by_partner.get(partner.pk) or Figures(base=base, start=start, end=now)
        if not figures.complete:
            counts["missing_rates"] += 1
        current = tiers_by_id.get(partner.tier_id)
        qualifies = qualifying_tier(figures, tiers)
        standing = standings.get(partner.pk)
        if standing is None:
            standing = TierStanding(partner_id=partner.pk, evaluated_at=now)
            new_standings.append(standing)
        else:
            changed_standings.append(standing)
        standing.qualifying_tier = qualifies
        standing.won_value = figures.won_value
        standing.won_deals = figures.won_deals
        standing.missing_rates = figures.missing_currencies
        standing.evaluated_at = now
        if figures.meets(current):
            standing.short_since = None
        elif figures.complete and standing.short_since is None:
            # Money we could not convert might cover the shortfall: the clock starts only on
            # complete figures.
            standing.short_since = now

        rank_now = current.rank if current else 0
        rank_qualifies = qualifies.rank if qualifies else 0
        target: Tier | None = None
        change_due = False
        promotion = rank_qualifies > rank_now
        # A demotion waits out the grace period, and only on figures that are complete.
        demotion = (
            rank_qualifies < rank_now
            and figures.complete
            and standing.short_since is not None
            and standing.short_since <= now - grace
        )
        if promotion or demotion:
            target, change_due = qualifies, True

        snapshot = figures.as_json()
        snapshot["qualifying_tier"] = qualifies.name if qualifies else None
        if target is not None:
            snapshot["requirements"] = {
                "tier": target.name,
                "min_won_value": str(target.min_won_value),
                "min_won_deals": target.min_won_deals,
            }
        if current is not None and not figures.meets(current):
            snapshot["short_of_current_since"] = (
                standing.short_since.isoformat() if standing.short_since else None
            )

        existing = open_proposals.get(partner.pk)
        if existing is not None:
            still_right = (
                change_due
                and existing.proposed_tier_id == (target.pk if target else None)
                and existing.current_tier_id == partner.tier_id
            )
            if still_right:
                if existing.figures != snapshot:
                    existing.figures = snapshot
                    refreshed.append(existing)
                continue
            to_withdraw.append(existing.pk)
        if not change_due:
            continue
        if (partner.pk, partner.tier_id, target.pk if target else None) in held:
            continue
        direction = _direction(current, target)
        if direction == Direction.PROMOTION and program.auto_apply_promotions:
            auto_promotions.append((partner, current, target, snapshot))
            continue
        new_proposals.append(
            TierProposal(
                partner_id=partner.pk,
                current_tier=current,
                proposed_tier=target,
                current_tier_name=current.name if current else "",
                proposed_tier_name=target.name if target else "",
                direction=direction,
                figures=snapshot,
                created_at=now,
            )
        )

    with transaction.atomic():
        # A partner that left the active stages (exited, back to recruitment) has nothing to
        # decide any more.
        counts["withdrawn"] += (
            TierProposal.objects.filter(status=ProposalStatus.OPEN)
            .exclude(partner__stage__in=ACTIVE_STAGES)
            .update(
                status=ProposalStatus.WITHDRAWN,
                decided_at=now,
                decision_note="The partner is no longer active.",
            )
        )
        if to_withdraw:
            # The evaluation closes its own stale proposals in bulk; no person decided them.
            counts["withdrawn"] += TierProposal.objects.filter(
                pk__in=to_withdraw, status=ProposalStatus.OPEN
            ).update(
                status=ProposalStatus.WITHDRAWN,
                decided_at=now,
                decision_note="The partner's figures no longer call for this change.",
            )
        # Rows that exist are rewritten with one upsert each (INSERT … ON CONFLICT DO UPDATE),
        # not bulk_update(): its UPDATE … SET col = CASE WHEN pk = 1 THEN … WHEN pk = 2 THEN …
        # tests every WHEN for every row, so its cost grows with the square of the rows — a
        # repeat run over 8,000 standings took minutes where inserting them took a fraction of a
        # second. An upsert matches each row to its values once, by the unique index.
        if refreshed:
            _upsert(TierProposal, refreshed, unique_fields=["id"], update_fields=["figures"])
        if new_standings or changed_standings:
            _upsert(
                TierStanding,
                new_standings + changed_standings,
                unique_fields=["partner"],
                update_fields=[
                    "qualifying_tier",
                    "won_value",
                    "won_deals",
                    "missing_rates",
                    "short_since",
                    "evaluated_at",
                ],
            )
        created = TierProposal.objects.bulk_create(new_proposals) if new_proposals else []
        counts["proposed"] = len(created)
        changes = _auto_promote(auto_promotions, now) if auto_promotions else []
        counts["promoted"] = len(changes)
        _notify_evaluation(created, changes, [p for p in partners], now)
        if counts["missing_rates"]:
            _notify_missing_rates(figures_by_partner, now)
    return counts


def _upsert(model, objs: list, *, unique_fields: list[str], update_fields: list[str]) -> None:
    """Write `objs` in one statement (in linear time, whatever their number): insert the rows
    that are missing and set `update_fields` on those already there (matched on
    `unique_fields`)."""
    model.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
    )


def _auto_promote(items: list[tuple], now: datetime) -> list[TierChange]:
    from apps.partners.models import Partner

    by_target: dict[int | None, list[int]] = {}
    for partner, _current, target, _snapshot in items:
        by_target.setdefault(target.pk, []).append(partner.pk)
    for target_id, ids in by_target.items():  # one update per tier, not per partner
        Partner.objects.filter(pk__in=ids).update(tier_id=target_id)
    rows_written(Partner)  # once for the whole run
    changes = TierChange.objects.bulk_create(
        [
            TierChange(
                partner_id=partner.pk,
                from_tier=current,
                to_tier=target,
                from_tier_name=current.name if current else "",
                to_tier_name=target.name,
                direction=Direction.PROMOTION,
                actor=None,
                reason=(
                    f"Meets {target.name}'s requirements over the trailing 12 months; promoted "
                    "automatically (program setting)."
                ),
                figures=snapshot,
                at=now,
            )
            for partner, current, target, snapshot in items
        ]
    )
    TierStanding.objects.filter(partner_id__in=[p.pk for p, *_ in items]).update(short_since=None)
    return changes


def _notify_evaluation(proposals, changes, partners, now: datetime) -> None:
    """Notifications for a whole run in two queries: the recipients, then one bulk insert."""
    from apps.accounts.models import Role, User

    if not proposals and not changes:
        return
    by_id = {p.pk: p for p in partners}
    involved = {p.partner_id for p in proposals} | {c.partner_id for c in changes}
    admins: list[int] = []
    users: dict[int, list[int]] = {}
    for pk, partner_id, role, is_superuser in User.objects.filter(
        Q(partner_id__in=involved, role=Role.PARTNER) | Q(role=Role.ADMIN) | Q(is_superuser=True),
        is_active=True,
    ).values_list("pk", "partner_id", "role", "is_superuser"):
        if role == Role.PARTNER and not is_superuser:
            users.setdefault(partner_id, []).append(pk)
        else:
            admins.append(pk)

    def staff_of(partner) -> list[int]:
        return [partner.manager_id] if partner.manager_id else admins

    messages: list[dict] = []
    queue = reverse("tiers:proposals")
    for p in proposals:
        partner = by_id[p.partner_id]
        verb = "Promote" if p.direction == Direction.PROMOTION else "Demote"
        messages.append(
            dict(
                recipients=staff_of(partner),
                kind="tier_proposal",
                subject=f"{verb} {partner.name} to {p.proposed_label}?",
                body=(
                    f"The tier evaluation proposes moving {partner.name} from {p.current_label} "
                    f"to {p.proposed_label}. Approve or dismiss it in the tier proposals queue."
                ),
                key=_proposal_key(p),
                link=queue,
            )
        )
    for c in changes:
        partner = by_id[c.partner_id]
        key = f"tier-change:{c.pk}"
        messages.append(
            dict(
                recipients=staff_of(partner),
                kind="tier_change",
                subject=f"{partner.name} promoted to {c.to_label}",
                body=f"{partner.name}: {c.from_label} → {c.to_label}. {c.reason}",
                key=key,
                link=queue,
            )
        )
        messages.append(
            dict(
                recipients=users.get(partner.pk, []),
                kind="tier_change",
                subject=f"Your company is now {c.to_label}",
                body=(
                    f"Your partner tier changed from {c.from_label} to {c.to_label}. "
                    "See your tier page for its benefits and what the next tier needs."
                ),
                key=key,
                link=_portal_tier_link(),
            )
        )
    notify_many(messages)


def _notify_missing_rates(figures_by_partner: dict[int, Figures], now: datetime) -> None:
    from apps.accounts.models import Role, User

    currencies = sorted({c for f in figures_by_partner.values() for c in f.missing})
    if not currencies:
        return
    admins = list(
        User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).values_list(
            "pk", flat=True
        )
    )
    notify_many(
        [
            dict(
                recipients=admins,
                kind="exchange_rate_missing",
                subject=f"No exchange rate for {', '.join(currencies)}",
                body=(
                    "Won registrations in "
                    + ", ".join(currencies)
                    + " could not be converted to the base currency, so tier figures leave them "
                    "out and no demotion is proposed for the partners concerned. Add the rates."
                ),
                key=f"tier-missing-rate:{'-'.join(currencies)}:{timezone.localdate(now):%Y-%m-%d}",
                link=reverse("tiers:rates"),
            )
        ]
    )


def notify_many(messages: list[dict]) -> int:
    """The sweep's messages, batched: one read of existing keys and one insert in all."""
    from apps.notifications.services import Message, notify_batch

    return notify_batch(
        Message(
            recipients=m["recipients"],
            kind=m["kind"],
            subject=m["subject"],
            key=m["key"],
            body=m.get("body", ""),
            link=m.get("link", ""),
        )
        for m in messages
    )
