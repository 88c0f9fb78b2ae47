from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.accounts.models import User

from . import cache, metrics, snapshot


@shared_task(name="dashboard.refresh")
def refresh(days: int, manager_pk: int | None) -> None:
    """Compute and store the dashboard snapshot for (period, manager) — the page asked for it."""
    try:
        manager = User.objects.filter(pk=manager_pk).first() if manager_pk else None
        if manager_pk is None or manager is not None:
            snapshot.take(timezone.now(), days, manager)
    finally:
        cache.release(days, manager_pk)


@shared_task(name="dashboard.keep_warm")
def keep_warm() -> dict:
    """Refresh the default view's snapshot and every one looked at within a day, unless a
    refresh of it is already running (run by the beat every DASHBOARD_KEEP_WARM_SECONDS)."""
    if cache.seconds() <= 0:
        return {"refreshed": 0}  # snapshots are off: every view computes its figures
    now = timezone.now()
    wanted = {(metrics.DEFAULT_PERIOD, None), *cache.viewed(now)}
    refreshed = 0
    for days, manager_pk in sorted(wanted, key=lambda k: (k[0], k[1] or 0)):
        if cache.claim(days, manager_pk):
            refresh(days, manager_pk)
            refreshed += 1
    return {"refreshed": refreshed}
