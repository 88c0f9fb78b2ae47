"""A short-lived cache for the two dashboard figures that rank every partner.

Measured at 10,000 partners / 1,000,000 registrations (see README, "Proof: benchmark"): after
the indexes, every other figure costs tens of milliseconds, but the money table (the approved
pipeline now — every approved registration, converted — and won value by partner and tier) and
the health score (five signals for every active partner, to find the lowest) cost 150–250 ms
each even ranked in SQL, because they must aggregate every partner's rows to rank them (half a
second each when Python folded the per-partner rows). Those two — and only those — are cached.

Correctness:
- Keys carry a generation number; any save or delete of a row these figures read (registrations,
  exchange rates, partners, QBRs and their action items, tasks, stage targets, tiers, program
  settings) bumps it, at once and again when the transaction commits (a reader that computed
  from the uncommitted state cannot keep serving it). Old generations expire by themselves.
- Bulk writes (QuerySet.update(), bulk_create(), bulk_update(), raw SQL) send no post_save. The
  code that makes one announces it once with apps.core.signals.rows_written(Model), and an
  announcement for one of the models above bumps the generation as a save does. The bulk
  writes that change what these figures read all set a partner's tier in place: in the tiers
  app, a manager's change, an approved proposal, the evaluation sweep's automatic promotions
  (and the partners app's fallback for a site without the tiers app).
  The others leave these figures alone (scheduled QBRs and reminder marks, a new stage's
  playbook tasks — not yet due, and the partner's own save bumps anyway —, tier proposals and
  standings, notifications, stored conflicts). Imports and the deal sweeps write through
  Model.save(), which signals by itself.
- Keys carry the minute and the TTL is 60 seconds (settings.DASHBOARD_CACHE_SECONDS), so the
  period window moves on within a minute.
- Only the page caches; metrics functions always compute (the tests compare them with figures
  worked out by hand).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from apps.core.signals import bulk_written

GENERATION = "dashboard:generation"
log = logging.getLogger(__name__)


def seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 60))


def generation() -> int:
    value = cache.get(GENERATION)
    if value is None:
        cache.add(GENERATION, 1, timeout=None)
        value = cache.get(GENERATION, 1)
    return value


def bump() -> None:
    try:
        try:
            cache.incr(GENERATION)
        except ValueError:  # not set yet (or evicted): any new number invalidates
            cache.add(GENERATION, 1, timeout=None)
    except Exception:  # a cache outage must never fail the write that invalidates
        log.warning("dashboard cache: could not bump the generation", exc_info=True)


def _changed(sender, **kwargs) -> None:
    bump()
    transaction.on_commit(bump, robust=True)


def cached(name: str, now: datetime, key_parts: tuple, compute):
    """The figure `name` for `key_parts` at `now` (to the minute), computed on a miss."""
    ttl = seconds()
    if ttl <= 0:
        return compute()
    parts = ":".join(str(p) for p in key_parts)
    try:
        key = f"dashboard:{name}:{generation()}:{now:%Y%m%d%H%M}:{parts}"
        value = cache.get(key)
    except Exception:  # no cache: compute, as without one
        log.warning("dashboard cache: unavailable", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, ttl)
        except Exception:
            log.warning("dashboard cache: could not store %s", name, exc_info=True)
    return value


def connect() -> None:
    from apps.deals.models import DealRegistration
    from apps.partners.models import Partner, Task
    from apps.program.models import ProgramSettings, StageConfig, Tier
    from apps.qbrs.models import QBR, ActionItem
    from apps.tiers.models import ExchangeRate

    for model in (
        DealRegistration,
        ExchangeRate,
        Partner,
        Task,
        QBR,
        ActionItem,
        StageConfig,
        ProgramSettings,
        Tier,
    ):
        for signal in (post_save, post_delete, bulk_written):
            signal.connect(_changed, sender=model, dispatch_uid=f"dashboard-{model.__name__}")
