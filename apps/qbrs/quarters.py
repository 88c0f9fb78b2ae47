"""Quarters in the project's time zone: a QBR's quarter label and its boundaries."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.utils import timezone

LABEL = re.compile(r"^(\d{4})-Q([1-4])$")


def label_for(moment: datetime | date) -> str:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def parse(label: str) -> tuple[int, int]:
    match = LABEL.match(label or "")
    if not match:
        raise ValueError(f"{label!r} is not a quarter like 2026-Q4.")
    return int(match.group(1)), int(match.group(2))


def is_valid(label: str) -> bool:
    try:
        year, _ = parse(label)
    except ValueError:
        return False
    return 2000 <= year <= 2100


def first_day(label: str) -> date:
    year, q = parse(label)
    return date(year, 3 * (q - 1) + 1, 1)


def shift(label: str, quarters: int) -> str:
    year, q = parse(label)
    index = year * 4 + (q - 1) + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def bounds(label: str) -> tuple[datetime, datetime]:
    """[start, end) of the quarter as aware datetimes at local midnight."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(first_day(label), time.min).replace(tzinfo=tz)
    end = datetime.combine(first_day(shift(label, 1)), time.min).replace(tzinfo=tz)
    return start, end
