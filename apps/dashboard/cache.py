"""Where the dashboard's snapshots are kept, and the generation that tells a stale one.

Measured at 10,000 partners / 1,000,000 registrations (README, "Proof: benchmark"): every figure
is an index-only aggregate, yet together they read the period's rows — 100,000 and more at that
size — and cost 0.8–1 s, growing with the table. So the page shows a snapshot of all its figures
(apps/dashboard/snapshot.py), and this module keeps it:

- A snapshot holds the generation it was computed at. Any save or delete of a row the figures
  read (registrations, exchange rates, partners, QBRs and their action items, tasks, stage
  targets, tiers, program settings, lead assignments and certifications — the health score's
  lead response and enablement —, and what the other apps' parts of the page read: leads, fund
  periods, requests and their credited registrations, applications and agreements) bumps the generation, at once and again when the transaction
  commits (a reader that computed from the uncommitted state cannot keep passing for current).
- Library opens (the health score's enablement) do not bump: one per person and day, they would
  recompute the page all day long for a signal counted in 30-day steps; a snapshot is at most
  DASHBOARD_CACHE_SECONDS old anyway.
- Bulk writes (QuerySet.update(), bulk_create(), bulk_update(), raw SQL) send no post_save. The
  code that makes one announces it once with apps.core.signals.rows_written(Model), and an
  announcement for one of the models above bumps the generation as a save does. The bulk
  writes that change what the figures read all set a partner's tier in place: in the tiers
  app, a manager's change, an approved proposal, the evaluation sweep's automatic promotions
  (and the partners app's write of a tier set on the partner form).
  The others leave the figures alone (scheduled QBRs and reminder marks, a new stage's
  playbook tasks — not yet due, and the partner's own save bumps anyway —, tier proposals and
  standings, notifications, stored conflicts). Imports and the deal sweeps write through
  Model.save(), which signals by itself.
- One refresh of a snapshot runs at a time (`claim`); its lock expires by itself should the
  worker die.
- The snapshots looked at in the last day are noted (`note_view`); the beat's keep-warm task
  refreshes them every few minutes, so a page opened after a quiet spell still has a recent
  snapshot to show instead of computing its figures in the request.
- The cache must be shared by the web and worker processes: Redis, or a file cache under var/
  on the embedded default (settings.CACHES).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from apps.agreements.models import Agreement
from apps.applications.models import Application
from apps.core.signals import bulk_written
from apps.deals.models import DealRegistration
from apps.enablement.models import Certification
from apps.funds.models import Attribution, FundPeriod, FundRequest
from apps.leads.models import Assignment, Lead
from apps.partners.models import Partner, Task
from apps.program.models import ExchangeRate, ProgramSettings, StageConfig, Tier
from apps.qbrs.models import QBR, ActionItem

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


SNAPSHOT_TTL = 24 * 3600  # long enough to be served while a refresh runs, then forgotten


def _snapshot_key(key: str | int, manager_pk) -> str:
    return f"dashboard:snapshot:{key}:{manager_pk or 'all'}"


def read(key: str | int, manager_pk) -> dict | None:
    """The stored snapshot {"generation", "at", "figures"}, or None (none yet, or no cache)."""
    try:
        return cache.get(_snapshot_key(key, manager_pk))
    except Exception:
        log.warning("dashboard cache: unavailable", exc_info=True)
        return None


def store(key: str | int, manager_pk, snapshot: dict) -> None:
    """Keep `snapshot` unless the stored one was computed later (two refreshes raced)."""
    key = _snapshot_key(key, manager_pk)
    try:
        kept = cache.get(key)
        if kept is None or kept["at"] <= snapshot["at"]:
            cache.set(key, snapshot, SNAPSHOT_TTL)
    except Exception:
        log.warning("dashboard cache: could not store a snapshot", exc_info=True)


# The figures' part of the page as rendered for a stored snapshot (views.home): the same for every
# staff reader of one language and time zone (and, for "my partners", one manager), so it is
# rendered once per snapshot instead of once per view. Kept briefly: a refresh makes a new one.
HTML_TTL = 120


def html_key(period_key: str | int, manager_pk, at: datetime, language: str, zone: str) -> str:
    return f"dashboard:html:{period_key}:{manager_pk or ''}:{at.isoformat()}:{language}:{zone}"


def read_html(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:
        log.warning("dashboard cache: unavailable", exc_info=True)
        return None


def store_html(key: str, html: str) -> None:
    try:
        cache.set(key, str(html), HTML_TTL)
    except Exception:
        log.warning("dashboard cache: could not store the figures' page part", exc_info=True)


VIEWED = "dashboard:viewed"  # {"period key:manager_pk": when last viewed}: what the beat keeps warm
VIEWED_FOR = 24 * 3600  # a view keeps its snapshot warm this long


def note_view(key: str | int, manager_pk, now: datetime) -> None:
    """Remember that this snapshot is looked at (written at most once a minute per snapshot)."""
    try:
        viewed = cache.get(VIEWED) or {}
        noted, stamp = f"{key}:{manager_pk or ''}", now.timestamp()
        if stamp - viewed.get(noted, 0) < 60:
            return
        cutoff = stamp - VIEWED_FOR
        viewed = {k: t for k, t in viewed.items() if t >= cutoff} | {noted: stamp}
        cache.set(VIEWED, viewed, VIEWED_FOR)
    except Exception:  # losing a note only costs one slower page later
        log.warning("dashboard cache: could not note a view", exc_info=True)


def viewed(now: datetime) -> list[tuple[str, int | None]]:
    """(period key, manager_pk) of the snapshots looked at within VIEWED_FOR."""
    try:
        notes = cache.get(VIEWED) or {}
    except Exception:
        return []
    cutoff = now.timestamp() - VIEWED_FOR
    keys = []
    for noted, stamp in notes.items():
        key, _, manager_pk = noted.partition(":")
        if stamp >= cutoff:
            keys.append((key, int(manager_pk) if manager_pk else None))
    return keys


def _lock_key(key: str | int, manager_pk) -> str:
    return f"dashboard:refreshing:{key}:{manager_pk or 'all'}"


def claim(key: str | int, manager_pk, seconds: int = 60) -> bool:
    """Take the right to refresh this snapshot; False while another refresh holds it."""
    try:
        return bool(cache.add(_lock_key(key, manager_pk), 1, timeout=seconds))
    except Exception:
        return False


def release(key: str | int, manager_pk) -> None:
    try:
        cache.delete(_lock_key(key, manager_pk))
    except Exception:
        log.warning("dashboard cache: could not release a refresh", exc_info=True)


def connect() -> None:
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
        Assignment,
        Certification,
        # What the other apps' dashboard parts read (they are part of the snapshot too).
        Lead,
        FundPeriod,
        FundRequest,
        Attribution,
        Application,
        Agreement,
    ):
        for signal in (post_save, post_delete, bulk_written):
            signal.connect(_changed, sender=model, dispatch_uid=f"dashboard-{model.__name__}")
