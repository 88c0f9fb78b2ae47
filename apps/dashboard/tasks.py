from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import cache, snapshot


@shared_task(name="dashboard.refresh")
def refresh(days: int, manager_pk: int | None) -> None:
    """Compute and store the dashboard snapshot for (period, manager) — the page asked for it."""
    from apps.accounts.models import User

    try:
        manager = User.objects.filter(pk=manager_pk).first() if manager_pk else None
        if manager_pk is None or manager is not None:
            snapshot.take(timezone.now(), days, manager)
    finally:
        cache.release(days, manager_pk)
