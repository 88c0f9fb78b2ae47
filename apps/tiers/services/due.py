"""Which partners the tier evaluation has to look at again since its last run.

A partner's outcome depends on its won figures over the trailing 12 months, its tier and stage,
the clock of its demotion grace period and of a manager's dismissal, and the program's
configuration. The evaluation re-reads a partner only when one of those moved, each found
through an index on what moved, so a run with nothing new reads nothing it already handled:

- registrations whose counted columns changed (deal_figures_changed_idx, kept by a trigger);
- won registrations that entered or left the 12-month window between the two runs'
  moments (dash_deal_closed_idx);
- standings whose grace period ran out in between (tierstanding_short_idx);
- dismissals whose hold ran out in between (tierprop_dismissed_idx);
- partners without a standing, or whose tier or stage changed since it was written;

and everyone when there is no last run, the configuration (tiers, rates, program settings)
changed, or the moment asked for is earlier than the last one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import connection

from apps.deals.figures import WON, window_start
from apps.deals.models import DealRegistration
from apps.enablement.models import Certification
from apps.partners.models import Partner
from apps.program.models import ExchangeRate, ProgramSettings, Tier
from apps.program.stages import ACTIVE_STAGES

from ..models import EvaluationMark, ProposalStatus, TierProposal, TierStanding


def database_clock() -> datetime:
    """Where the next run starts looking for changed registrations: now, or the start of the
    oldest transaction still open on this database — a write it makes is stamped after that
    start but may commit after this run has read, so the next run must look back that far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(clock_timestamp(), (SELECT min(xact_start) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()))"
        )
        return cursor.fetchone()[0]


def config_fingerprint(program: ProgramSettings) -> str:
    """What every partner's outcome depends on: a change of it means evaluating everyone."""
    tiers = Tier.objects.order_by("pk").values_list(
        "pk", "name", "rank", "min_won_value", "min_won_deals", "min_certified_people"
    )
    rates = ExchangeRate.objects.order_by("pk").values_list(
        "pk", "currency", "rate_to_base", "effective_date"
    )
    rules = (
        program.base_currency.upper(),
        program.demotion_grace_days,
        program.auto_apply_promotions,
    )
    return hashlib.sha256(repr((list(tiers), list(rates), rules)).encode()).hexdigest()


def partners_due(
    mark: EvaluationMark | None, now: datetime, *, grace: timedelta, hold: timedelta, config: str
) -> set[int] | None:
    """The partners to evaluate at `now` (`grace`: the demotion grace period, `hold`: how long a
    dismissal holds); None for everyone."""
    if mark is None or mark.config != config or now < mark.evaluated_for:
        return None
    last = mark.evaluated_for
    registrations = DealRegistration.objects.order_by()
    changed = registrations.filter(figures_changed_at__gte=mark.started_at)
    # counted at `last` ([start(last), last]) but not at `now`, or the other way round
    won = registrations.filter(status=WON)
    left = won.filter(closed_at__gte=window_start(last), closed_at__lt=window_start(now))
    entered = won.filter(closed_at__gt=last, closed_at__lte=now)
    short = TierStanding.objects.filter(short_since__gt=last - grace, short_since__lte=now - grace)
    released = TierProposal.objects.filter(
        status=ProposalStatus.DISMISSED, decided_at__gte=last - hold, decided_at__lt=now - hold
    ).order_by()
    # a certification earned or ended in (last, now] (a tier may require certified people)
    certified = Certification.objects.filter(earned_at__gt=last, earned_at__lte=now).order_by()
    uncertified = Certification.objects.filter(expired_at__gt=last, expired_at__lte=now).order_by()
    # one round trip: each arm an index range of what moved (UNION drops the repeats)
    arms = [
        q.values_list("partner_id", flat=True)
        for q in (changed, left, entered, short, released, certified, uncertified)
    ]
    ids = set(arms[0].union(*arms[1:]))
    ids.update(_moved_partners())
    return ids


def _moved_partners() -> list[int]:
    """Active partners with no standing, or another tier or stage visit than it saw."""
    partner = Partner._meta.db_table
    standing = TierStanding._meta.db_table
    stages = list(ACTIVE_STAGES)
    sql = f"""
        SELECT p.id FROM {partner} p LEFT JOIN {standing} s ON s.partner_id = p.id
        WHERE p.stage = ANY(%s) AND (
            s.partner_id IS NULL
            OR s.tier_when_evaluated_id IS DISTINCT FROM p.tier_id
            OR s.stage_entered_when_evaluated IS DISTINCT FROM p.stage_entered_at
        )
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [stages])
        return [row[0] for row in cursor.fetchall()]


def mark_evaluated(mark: EvaluationMark | None, *, now: datetime, started_at, config: str) -> None:
    if mark is None:
        EvaluationMark.objects.create(evaluated_for=now, started_at=started_at, config=config)
        return
    mark.evaluated_for, mark.started_at, mark.config = now, started_at, config
    mark.save(update_fields=["evaluated_for", "started_at", "config"])


def missing_currencies() -> list[str]:
    """The currencies an active partner's standing could not convert (the daily notice's)."""
    sql = f"""
        SELECT DISTINCT jsonb_array_elements_text(s.missing_rates)
        FROM {TierStanding._meta.db_table} s JOIN {Partner._meta.db_table} p ON p.id = s.partner_id
        WHERE s.missing_rates <> '[]'::jsonb AND p.stage = ANY(%s)
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ACTIVE_STAGES)])
        return sorted(row[0] for row in cursor.fetchall())
