"""What the dashboard's figures share: the period, the manager filter, rates and durations,
stage names and targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from apps.partners.models import Stage
from apps.program.models import StageConfig

from ..models import PERIODS as PERIODS  # the periods offered, named here too

# A stored figure (apps/dashboard/stores.py) is recomputed at least this often, whatever its
# due moment says: the net under a moment the due computation might miss (a row dated in the
# future, say).
RECHECK_DAYS = 1
DEFAULT_PERIOD = 90


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    days: int


def window(now: datetime, period: int | Window) -> Window:
    """The period looked back on: `period` days up to `now`, or a window given as it is (a
    calendar quarter, a custom range: apps/dashboard/periods.py)."""
    if isinstance(period, Window):
        return period
    return Window(start=now - timedelta(days=period), end=now, days=period)


def _partners(manager) -> Q:
    return Q(manager=manager) if manager is not None else Q()


def _via_partner(manager, prefix: str = "partner__") -> Q:
    return Q(**{f"{prefix}manager": manager}) if manager is not None else Q()


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 86400, 1)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


# Display names and targets by stage: one query.
stage_names = StageConfig.by_stage


def _cutoffs(names: dict[str, StageConfig], now: datetime, factor: float = 1.0) -> dict:
    """{stage: the moment before which a partner entering the stage is over its target}."""
    return {
        stage: now - timedelta(days=config.target_days * factor)
        for stage, config in names.items()
        if config.target_days and stage != Stage.EXITED
    }


def sql_timestamp(moment: datetime) -> str:
    """`moment` as an SQL literal: the CTE strings take no parameters (an ISO timestamp holds
    nothing to escape)."""
    return f"'{moment.isoformat()}'::timestamptz"
