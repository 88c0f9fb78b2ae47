from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.accounts.models import User

from . import cache, periods, snapshot


@shared_task(name="dashboard.refresh")
def refresh(key: str | int, manager_pk: int | None) -> None:
    """Compute and store the dashboard snapshot for (period key, manager) — the page asked for
    it. A key that names no kept period (a custom range is never kept) is dropped."""
    key = str(key)  # the benchmark and older messages pass the rolling days as a number
    try:
        if key not in periods.KEPT:
            return
        manager = User.objects.filter(pk=manager_pk).first() if manager_pk else None
        if manager_pk is None or manager is not None:
            now = timezone.now()
            snapshot.take(now, periods.resolve(key, now), manager)
    finally:
        cache.release(key, manager_pk)


@shared_task(name="dashboard.keep_warm")
def keep_warm() -> dict:
    """Refresh the default view's snapshot and every one looked at within a day, unless a
    refresh of it is already running (run by the beat every DASHBOARD_KEEP_WARM_SECONDS)."""
    if cache.seconds() <= 0:
        return {"refreshed": 0}  # snapshots are off: every view computes its figures
    now = timezone.now()
    wanted = {(periods.DEFAULT, None), *cache.viewed(now)}
    refreshed = 0
    for key, manager_pk in sorted(wanted, key=lambda k: (k[0], k[1] or 0)):
        if key in periods.KEPT and cache.claim(key, manager_pk):
            refresh(key, manager_pk)
            refreshed += 1
    return {"refreshed": refreshed}
