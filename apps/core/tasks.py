from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import sweeps


@shared_task(name="sweeps.run")
def run_sweep(name: str, now: str | None = None) -> dict:
    """Run one registered sweep; `now` (ISO 8601) only for catching up by hand."""
    return sweeps.run(name, parse_datetime(now) if now else None)
