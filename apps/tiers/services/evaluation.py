"""The nightly evaluation: place every active partner in the highest tier it qualifies for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.signals import rows_written
from apps.deals.figures import Figures, window_start, won_figures
from apps.enablement.selectors import certified_people_by_partner
from apps.partners.models import Partner
from apps.program.models import ProgramSettings, Tier
from apps.program.stages import ACTIVE_STAGES

from ..models import (
    Direction,
    EvaluationMark,
    ProposalStatus,
    TierChange,
    TierProposal,
    TierStanding,
)
from .changes import announce_tier_changed, direction_between
from .due import (
    config_fingerprint,
    database_clock,
    mark_evaluated,
    missing_currencies,
    partners_due,
)
from .figures import qualifying_tier
from .notices import notify_evaluation, notify_missing_currencies, notify_missing_rates

# A manager's dismissal holds for this long before the evaluation may propose the same move again.
DISMISSAL_HOLDS_DAYS = 90


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


@dataclass
class _Run:
    """What one evaluation read up front, and the writes it collects partner by partner."""

    program: ProgramSettings
    now: datetime
    tiers: list[Tier]
    figures_by_partner: dict[int, Figures]
    standings: dict[int, TierStanding]
    open_proposals: dict[int, TierProposal]
    held: set[tuple]
    # partner id → people with an active certification (a tier may require some)
    certified: dict[int, int] = field(default_factory=dict)
    # None: everyone is evaluated; else the moment of the last run (only some are)
    last: datetime | None = None
    missing_changed: bool = False
    new_standings: list[TierStanding] = field(default_factory=list)
    changed_standings: list[TierStanding] = field(default_factory=list)
    to_withdraw: list[int] = field(default_factory=list)
    refreshed: list[TierProposal] = field(default_factory=list)
    new_proposals: list[TierProposal] = field(default_factory=list)
    auto_promotions: list[tuple] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("evaluated", "proposed", "promoted", "withdrawn", "missing_rates"), 0
        )
    )

    @property
    def base(self) -> str:
        return self.program.base_currency.upper()

    def tier(self, pk: int | None) -> Tier | None:
        return next((t for t in self.tiers if t.pk == pk), None)


def _evaluate(program: ProgramSettings, now: datetime) -> dict:
    """Everyone on the first run (or after a configuration change); after that only the
    partners something happened to since the last run (services/due.py)."""
    started_at = database_clock()
    config = config_fingerprint(program)
    mark = EvaluationMark.objects.first()
    due = partners_due(
        mark,
        now,
        grace=timedelta(days=program.demotion_grace_days),
        hold=timedelta(days=DISMISSAL_HOLDS_DAYS),
        config=config,
    )
    partners_qs = Partner.objects.filter(stage__in=ACTIVE_STAGES)
    if due is not None:
        partners_qs = partners_qs.filter(pk__in=due)
    partners = list(
        partners_qs.only("pk", "name", "stage", "tier_id", "manager_id", "stage_entered_at")
    )
    run = _read(program, now, None if due is None else [p.pk for p in partners])
    run.last = None if due is None or mark is None else mark.evaluated_for
    for partner in partners:
        _assess(run, partner)
    _write(run, partners)
    mark_evaluated(mark, now=now, started_at=started_at, config=config)
    return run.counts


def _read(program: ProgramSettings, now: datetime, ids: list[int] | None) -> _Run:
    """One query each: figures, standings, open proposals, recent dismissals — of every active
    partner (`ids` None) or of those listed."""
    active = Q(partner__stage__in=ACTIVE_STAGES) if ids is None else Q(partner_id__in=ids)
    held = set(
        TierProposal.objects.filter(
            active,
            status=ProposalStatus.DISMISSED,
            decided_by__isnull=False,
            decided_at__gte=now - timedelta(days=DISMISSAL_HOLDS_DAYS),
        ).values_list("partner_id", "current_tier_id", "proposed_tier_id")
    )
    return _Run(
        program=program,
        now=now,
        tiers=list(Tier.objects.order_by("-rank")),
        figures_by_partner=won_figures(ids, now, base=program.base_currency.upper())
        if ids is None or ids
        else {},
        standings={s.partner_id: s for s in TierStanding.objects.filter(active)},
        open_proposals={
            p.partner_id: p for p in TierProposal.objects.filter(active, status=ProposalStatus.OPEN)
        },
        held=held,
        certified=certified_people_by_partner(ids) if ids is None or ids else {},
    )


def _assess(run: _Run, partner: Partner) -> None:
    """Update the partner's standing and decide whether its tier should change."""
    run.counts["evaluated"] += 1
    figures = run.figures_by_partner.get(partner.pk) or Figures(
        base=run.base, start=window_start(run.now), end=run.now
    )
    figures.certified_people = run.certified.get(partner.pk, 0)
    if not figures.complete:
        run.counts["missing_rates"] += 1
    current = run.tier(partner.tier_id)
    qualifies = qualifying_tier(figures, run.tiers)
    standing = _standing(run, partner, figures, current, qualifies)
    rank_now = current.rank if current else 0
    rank_qualifies = qualifies.rank if qualifies else 0
    grace = timedelta(days=run.program.demotion_grace_days)
    promotion = rank_qualifies > rank_now
    # A demotion waits out the grace period, and only on figures that are complete.
    demotion = (
        rank_qualifies < rank_now
        and figures.complete
        and standing.short_since is not None
        and standing.short_since <= run.now - grace
    )
    target = qualifies if promotion or demotion else None
    snapshot = _snapshot(figures, current, qualifies, target, standing)
    _decide(run, partner, current, target, change_due=promotion or demotion, snapshot=snapshot)


def _standing(run: _Run, partner, figures: Figures, current, qualifies) -> TierStanding:
    standing = run.standings.get(partner.pk)
    if standing is None:
        standing = TierStanding(partner_id=partner.pk, evaluated_at=run.now)
        run.new_standings.append(standing)
    else:
        run.changed_standings.append(standing)
    if standing.missing_rates != figures.missing_currencies:
        run.missing_changed = True
    standing.qualifying_tier = qualifies
    standing.won_value = figures.won_value
    standing.won_deals = figures.won_deals
    standing.missing_rates = figures.missing_currencies
    standing.evaluated_at = run.now
    standing.tier_when_evaluated_id = partner.tier_id
    standing.stage_entered_when_evaluated = partner.stage_entered_at
    if figures.meets(current):
        standing.short_since = None
    elif figures.complete and standing.short_since is None:
        # Money we could not convert might cover the shortfall: the clock starts only on
        # complete figures.
        standing.short_since = run.now
    return standing


def _snapshot(figures: Figures, current, qualifies, target, standing) -> dict:
    snapshot = figures.as_json()
    snapshot["qualifying_tier"] = qualifies.name if qualifies else None
    if target is not None:
        snapshot["requirements"] = {
            "tier": target.name,
            "min_won_value": str(target.min_won_value),
            "min_won_deals": target.min_won_deals,
            "min_certified_people": target.min_certified_people,
        }
    if current is not None and not figures.meets(current):
        snapshot["short_of_current_since"] = (
            standing.short_since.isoformat() if standing.short_since else None
        )
    return snapshot


def _decide(run: _Run, partner, current, target, *, change_due: bool, snapshot: dict) -> None:
    """Keep, refresh or withdraw the open proposal; propose (or promote) when a change is due."""
    existing = run.open_proposals.get(partner.pk)
    target_id = target.pk if target else None
    if existing is not None:
        still_right = (
            change_due
            and existing.proposed_tier_id == target_id
            and existing.current_tier_id == partner.tier_id
        )
        if still_right:
            if existing.figures != snapshot:
                existing.figures = snapshot
                run.refreshed.append(existing)
            return
        run.to_withdraw.append(existing.pk)
    if not change_due or (partner.pk, partner.tier_id, target_id) in run.held:
        return
    direction = direction_between(current, target)
    if direction == Direction.PROMOTION and run.program.auto_apply_promotions:
        run.auto_promotions.append((partner, current, target, snapshot))
        return
    run.new_proposals.append(
        TierProposal(
            partner_id=partner.pk,
            current_tier=current,
            proposed_tier=target,
            current_tier_name=current.name if current else "",
            proposed_tier_name=target.name if target else "",
            direction=direction,
            figures=snapshot,
            created_at=run.now,
        )
    )


def _write(run: _Run, partners: list[Partner]) -> None:
    with transaction.atomic():
        run.counts["withdrawn"] += _withdraw(run)
        # Rows that exist are rewritten with one upsert each (INSERT … ON CONFLICT DO UPDATE),
        # not bulk_update(): its UPDATE … SET col = CASE WHEN pk = 1 THEN … WHEN pk = 2 THEN …
        # tests every WHEN for every row, so its cost grows with the square of the rows — a
        # repeat run over 8,000 standings took minutes where inserting them took a fraction of a
        # second. An upsert matches each row to its values once, by the unique index.
        if run.refreshed:
            _upsert(TierProposal, run.refreshed, unique_fields=["id"], update_fields=["figures"])
        if run.new_standings or run.changed_standings:
            _upsert(
                TierStanding,
                run.new_standings + run.changed_standings,
                unique_fields=["partner"],
                update_fields=[
                    "qualifying_tier",
                    "won_value",
                    "won_deals",
                    "missing_rates",
                    "short_since",
                    "evaluated_at",
                    "tier_when_evaluated",
                    "stage_entered_when_evaluated",
                ],
            )
        created = TierProposal.objects.bulk_create(run.new_proposals) if run.new_proposals else []
        run.counts["proposed"] = len(created)
        changes = _auto_promote(run.auto_promotions, run.now) if run.auto_promotions else []
        run.counts["promoted"] = len(changes)
        notify_evaluation(created, changes, partners, run.now)
        _notify_missing(run)


def _notify_missing(run: _Run) -> None:
    """The daily notice of currencies without a rate. A run that evaluated only some partners
    reads the others' from their standings — when the notice could differ from the one the
    last run sent: another day, or an evaluated partner's unconverted currencies changed."""
    if run.last is None:
        if run.counts["missing_rates"]:
            notify_missing_rates(run.figures_by_partner, run.now)
        return
    if run.missing_changed or timezone.localdate(run.now) != timezone.localdate(run.last):
        notify_missing_currencies(missing_currencies(), run.now)


def _withdraw(run: _Run) -> int:
    # A partner that left the active stages (exited, back to recruitment) has nothing to
    # decide any more.
    # Read first, then updated by id: as one UPDATE … WHERE id IN (subquery) the planner, on
    # proposals inserted by the same transaction (no statistics yet), chose a plan that took
    # half a minute over 2,000 of them.
    gone = list(
        TierProposal.objects.filter(status=ProposalStatus.OPEN)
        .exclude(partner__stage__in=ACTIVE_STAGES)
        .values_list("pk", flat=True)
    )
    withdrawn = (
        TierProposal.objects.filter(pk__in=gone, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.WITHDRAWN,
            decided_at=run.now,
            decision_note="The partner is no longer active.",
        )
        if gone
        else 0
    )
    if run.to_withdraw:
        # The evaluation closes its own stale proposals in bulk; no person decided them.
        withdrawn += TierProposal.objects.filter(
            pk__in=run.to_withdraw, status=ProposalStatus.OPEN
        ).update(
            status=ProposalStatus.WITHDRAWN,
            decided_at=run.now,
            decision_note="The partner's figures no longer call for this change.",
        )
    return withdrawn


def _upsert(model, objs: list, *, unique_fields: list[str], update_fields: list[str]) -> None:
    """Write `objs` in one statement (in linear time, whatever their number): insert the rows
    that are missing and set `update_fields` on those already there (matched on
    `unique_fields`)."""
    model.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
    )


def _auto_promote(items: list[tuple], now: datetime) -> list[TierChange]:
    by_target: dict[int | None, list[int]] = {}
    for partner, _current, target, _snapshot in items:
        by_target.setdefault(target.pk, []).append(partner.pk)
    for target_id, ids in by_target.items():  # one update per tier, not per partner
        Partner.objects.filter(pk__in=ids).update(tier_id=target_id)
        # the standing saw the tier it placed them in: no reason to look again next run
        TierStanding.objects.filter(partner_id__in=ids).update(tier_when_evaluated_id=target_id)
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
    for change in changes:
        announce_tier_changed(change)
    return changes
