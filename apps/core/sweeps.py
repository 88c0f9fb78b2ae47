"""The registry of periodic sweeps.

A sweep is a function `(now) -> dict` that decides from database state what is due at `now` and
does it idempotently; it returns counts of what it did. Apps register theirs in `sweeps.py`; the
beat schedule (settings.SWEEP_SCHEDULE) runs them by name through the `sweeps.run` task, and
`manage.py run_sweeps` runs them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

SweepFunc = Callable[[datetime], dict]
REGISTRY: dict[str, SweepFunc] = {}


def sweep(name: str) -> Callable[[SweepFunc], SweepFunc]:
    def register(func: SweepFunc) -> SweepFunc:
        if name in REGISTRY and REGISTRY[name] is not func:
            raise RuntimeError(f"Sweep {name!r} is registered twice.")
        REGISTRY[name] = func
        return func

    return register


def run(name: str, now: datetime | None = None) -> dict:
    if name not in REGISTRY:
        raise KeyError(name)
    return REGISTRY[name](now or timezone.now())
