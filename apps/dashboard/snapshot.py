"""The dashboard page's figures: computed together, kept as one snapshot, served at once.

At 1,000,000 registrations computing every figure takes most of a second, and the cost grows
with the period's rows (README, "Proof: benchmark"). So the page shows the stored snapshot:

- fresh (computed at the current generation, less than DASHBOARD_CACHE_SECONDS ago — the period
  slides on): shown as it is;
- stale (a write has changed the figures since, or the period has slid on): shown at once,
  labelled with the moment it was computed and "updating", while a Celery task computes the new
  one; the page asks `/dashboard/fresh` every two seconds and reloads itself when it is there;
- missing, older than DASHBOARD_STALE_MAX_SECONDS (the worker may be down), or with background
  refresh off (DASHBOARD_BACKGROUND_REFRESH): computed in the request, as before snapshots.

The beat keeps the default view and every snapshot looked at in the last day warm
(tasks.keep_warm, every DASHBOARD_KEEP_WARM_SECONDS), so after a quiet spell the page still
finds a snapshot young enough to show while it is refreshed.

The figures themselves are the pure functions of apps.dashboard.metrics; nothing here changes
what they say, only when they are computed.

Still needed after the roll-ups (apps/dashboard/rollups.py), the stored health scores and money
figures (health.py, money.py) and the kept return on funds (apps/funds/freshness.py): the
registration figures read O(days) roll-up rows, the health and money cards the stored rows of
the partners a write or the clock changed, and the return on funds is computed again only when
its inputs move; but the lifecycle figures (funnel, time in stage, onboarding, bottlenecks), the
QBR compliance and the lead response still read every partner or the period's rows — a
recompute still grows with the program, so the page keeps showing a snapshot while a worker
refreshes it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypeGuard

from celery import signature
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.core import broker
from apps.core.freshness import Inputs, Watch, kept
from apps.core.sections import collect
from apps.deals.models import DealRegistration
from apps.partners.models import Partner, StageHistory
from apps.program.models import StageConfig, Tier
from apps.qbrs.models import QBR, ActionItem

from . import cache, health, metrics, money, periods
from .metrics.common import Window
from .stores import columns_of

log = logging.getLogger(__name__)


def _without_jit() -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of this transaction: measured on the
    dashboard's aggregates at 1,000,000 registrations it spends 0.5–4 s compiling queries that
    run in tens of milliseconds (their cost estimates cross jit_above_cost). SET LOCAL ends with
    the transaction, so no other request on the connection is affected."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")


def _lifecycle_watches() -> list[Watch]:
    partner_columns = ("stage", "stage_entered_at", "manager", "tier", "created_at", "name")
    return [
        Watch(Partner._meta.db_table, columns_of(Partner, *partner_columns)),
        *(Watch(m._meta.db_table) for m in (StageHistory, StageConfig, Tier, QBR, ActionItem)),
    ]


# What the lifecycle and QBR figures read: partners' stages, managers, tiers and names, the stage
# history, stage targets, tiers, QBRs and their action items — not registrations.
LIFECYCLE = Inputs("dashboard_lifecycle", _lifecycle_watches)


def _approved(rows: str) -> str:
    """SQL true when a registration of `rows` was approved (a new submission was not)."""
    return f"EXISTS (SELECT FROM {rows} WHERE approved_at IS NOT NULL)"  # noqa: S608


def _onboarding_watches() -> list[Watch]:
    partner_columns = (
        "stage",
        "manager",
        "onboarding_started_at",
        "onboarding_completed_at",
        "onboarding_due_date",
    )
    return [
        Watch(Partner._meta.db_table, columns_of(Partner, *partner_columns)),
        Watch(
            DealRegistration._meta.db_table,
            columns_of(DealRegistration, "partner", "approved_at"),
            when=_approved,
        ),
    ]


# What the onboarding figures read: the partners' onboarding dates and stages, and when each
# registration was approved (a ramp ends at the first approval) — not a submission or a close.
ONBOARDING = Inputs("dashboard_onboarding", _onboarding_watches)


def _lifecycle(now: datetime, period: Window, manager) -> dict:
    funnel = metrics.stage_funnel(now, period, manager)
    names = metrics.stage_names()
    for step in funnel["steps"]:
        step["from_name"] = names[step["from"]].display_name
        step["to_name"] = names[step["to"]].display_name
    for row in funnel["stages"]:
        row["name"] = names[row["stage"]].display_name
        for move in row["moves"]:
            move["name"] = names[move["to"]].display_name
    return {
        "funnel": funnel,
        "stay": metrics.time_in_stage(now, period, manager),
        "bottlenecks": metrics.bottlenecks(now, manager),
        "qbrs": metrics.qbrs(now, period, manager),
    }


def _quarters(now: datetime, manager) -> dict:
    """The quarter-over-quarter view: its own snapshot (key periods.QUARTERS), so the default
    page's refresh reads no more than before. One quarter more than shown: the first one's
    change is against it."""
    shown = periods.quarters(now, periods.QUARTERS_SHOWN + 1)
    figures = metrics.quarters(
        [p.window for p in shown],
        [p.first_day for p in shown],
        periods.today(now),
        periods.program_zone(),
        manager,
    )
    for row, period in zip(figures["quarters"], shown[1:], strict=True):
        row["label"] = periods.quarter_label(period.first_day)
        row["last_day"] = period.last_day
    return {"quarters": figures}


def figures(now: datetime, period: periods.Period, manager) -> dict:
    """Every figure of the page at `now` for `period`. The lifecycle and QBR figures read every
    partner and its history but no registration, the onboarding figures the partners and when
    registrations were approved: they are kept (apps/core/freshness.py) until a write moves
    what they read, for at most DASHBOARD_CACHE_SECONDS of the clock — the age a snapshot may
    have and still be current — so the refresh after a registration's write does not compute
    them again. A custom range is computed, never kept. Figures are cut in the program's time
    zone whoever computes them (a page or the worker)."""
    with transaction.atomic(), timezone.override(periods.program_zone()):
        _without_jit()
        if period.key == periods.QUARTERS:
            return _quarters(now, manager)
        # The rolling periods are the stored money windows and the keys kept before periods
        # had names: a day count, as the benchmark's default path has always passed.
        window: Window | int = period.rolling or period.window
        names = metrics.stage_names()
        seconds = cache.seconds()
        if seconds > 0 and period.kept:
            moment = int(now.timestamp() // seconds)
            key = f"{period.key}:{getattr(manager, 'pk', None)}:{moment}"
            # An entry per view and DASHBOARD_CACHE_SECONDS: forgotten once that is over.
            lifecycle = kept(
                LIFECYCLE, key, lambda: _lifecycle(now, period.window, manager), 2 * seconds
            )
            onboarding = kept(
                ONBOARDING, key, lambda: metrics.onboarding(now, window, manager), 2 * seconds
            )
        else:
            lifecycle = _lifecycle(now, period.window, manager)
            onboarding = metrics.onboarding(now, window, manager)
        return {
            "stage_names": {stage: config.display_name for stage, config in names.items()},
            **lifecycle,
            "onboarding": onboarding,
            "regs": metrics.registrations(now, window, manager),
            "money": money.figures(now, window, manager),  # kept per partner (money.py)
            # Kept per partner, refreshed where writes or the clock changed it (health.py).
            "health": health.lowest(now, manager),
            # The other apps' parts of the page (apps/core/sections.py): the program's figures
            # too, so they are kept and refreshed with the rest, not computed on every view
            # (the return on funds and the lead response read the period's rows).
            "sections": collect("dashboard", now),
        }


def take(now: datetime, period: periods.Period, manager) -> dict:
    """Compute and store the snapshot at `now` (a custom range is not stored). The generation
    is read before computing, so a write committed meanwhile leaves the snapshot stale, never
    passing for current."""
    try:
        generation = cache.generation()
    except Exception:
        log.warning("dashboard cache: unavailable", exc_info=True)
        generation = None
    snapshot = {"generation": generation, "at": now, "figures": figures(now, period, manager)}
    if generation is not None and cache.seconds() > 0 and period.kept:
        cache.store(period.key, getattr(manager, "pk", None), snapshot)
    return snapshot


def _background() -> bool:
    return bool(getattr(settings, "DASHBOARD_BACKGROUND_REFRESH", True))


def _stale_max() -> float:
    return float(getattr(settings, "DASHBOARD_STALE_MAX_SECONDS", 600))


# tasks.refresh, published by its name: tasks imports this module, not the other way round.
REFRESH_TASK = "dashboard.refresh"


def _refresh_floor() -> float:
    return float(getattr(settings, "DASHBOARD_REFRESH_MIN_SECONDS", 10))


def request_refresh(key: str, manager_pk, *, shown_at: datetime | None, now: datetime) -> bool:
    """Have a worker refresh this snapshot. True when one is on it (already, or from now) or
    will be: a snapshot computed less than DASHBOARD_REFRESH_MIN_SECONDS before `now` (its
    `shown_at`) is refreshed once it is that old — the page showing it polls and asks again —
    so while writes keep coming the worker computes one refresh per interval, not one per
    write and view."""
    if shown_at is not None and (now - shown_at).total_seconds() < _refresh_floor():
        return True
    if not cache.claim(key, manager_pk):
        return True  # a refresh is running
    if broker.publish(signature(REFRESH_TASK), args=(key, manager_pk)):
        return True
    cache.release(key, manager_pk)
    return False


def is_current(snapshot: dict | None, generation: int, now: datetime) -> TypeGuard[dict]:
    return (
        snapshot is not None
        and snapshot["generation"] == generation
        and (now - snapshot["at"]).total_seconds() < cache.seconds()
    )


def for_page(now: datetime, period: periods.Period, manager) -> tuple[dict, bool]:
    """(snapshot, updating): the snapshot to show, and whether a newer one is being computed.
    A custom range is computed in the request: no snapshot of it is kept."""
    manager_pk = getattr(manager, "pk", None)
    if cache.seconds() <= 0 or not period.kept:
        return take(now, period, manager), False
    try:
        generation = cache.generation()
    except Exception:
        return take(now, period, manager), False
    cache.note_view(period.key, manager_pk, now)
    snapshot = cache.read(period.key, manager_pk)
    if is_current(snapshot, generation, now):
        return snapshot, False
    if (
        snapshot is not None
        and _background()
        and (now - snapshot["at"]).total_seconds() < _stale_max()
        and request_refresh(period.key, manager_pk, shown_at=snapshot["at"], now=now)
    ):
        return snapshot, True
    return take(now, period, manager), False
