"""The registry of periodic sweeps.

A sweep is a function `(now) -> dict` that decides from database state what is due at `now` and
does it idempotently; it returns counts of what it did. Apps register theirs in `sweeps.py`; the
beat schedule (settings.SWEEP_SCHEDULE) runs them by name through the `sweeps.run` task, and
`manage.py run_sweeps` runs them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

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


def due_offset(today: date, due: date, offsets: list[int]) -> int | None:
    """The reminder owed today: the smallest offset (days before `due`) whose day has come,
    until the due date.

    A sweep that did not run on the 14-day mark sends the 14-day reminder late; one that missed
    both marks sends only the 7-day one (the more urgent), never both at once.
    """
    if today > due:
        return None
    owed = [d for d in offsets if today >= due - timedelta(days=d)]
    return min(owed) if owed else None
