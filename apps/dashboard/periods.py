"""The periods the dashboard looks back on, and the quarters of the quarter-over-quarter view.

A rolling period ends now (the last 30, 90 or 365 days); a calendar one is cut at local
midnights in the program's time zone (settings.TIME_ZONE, the zone of the registration
roll-ups' days), whoever looks: this quarter and the year to date end now, last quarter at the
moment before this one began. A custom range is whole days, from ≤ to, at most MAX_RANGE_DAYS
long and not after today.

Every period but a custom range has a key the snapshot is kept under (cache.py): a fixed, small
set. A custom range is computed in the request and never stored, so no address can make the
server keep unbounded snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .metrics.common import Window
from .models import PERIODS

THIS_QUARTER, LAST_QUARTER, YEAR_TO_DATE, CUSTOM = "quarter", "last-quarter", "ytd", "custom"
DEFAULT = "90"
# The quarter-over-quarter view's snapshot key (not a period one picks).
QUARTERS = "quarters"
QUARTERS_SHOWN = 5
MAX_RANGE_DAYS = 3 * 365 + 1  # three years, a leap day included

CHOICES = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 365 days")),
    (THIS_QUARTER, _("This quarter")),
    (LAST_QUARTER, _("Last quarter")),
    (YEAR_TO_DATE, _("Year to date")),
    (CUSTOM, _("Custom range")),
]
# What a snapshot may be kept under: every choice but the custom range, and the QoQ view.
KEPT = frozenset({key for key, _label in CHOICES if key != CUSTOM} | {QUARTERS})


@dataclass(frozen=True)
class Period:
    key: str
    window: Window
    first_day: date  # the local days the period covers, for the page's wording
    last_day: date

    @property
    def kept(self) -> bool:
        return self.key in KEPT

    @property
    def rolling(self) -> int | None:
        """The days of a rolling period (the stored money windows), else None."""
        return self.window.days if self.key.isdigit() else None


def program_zone():
    return timezone.get_default_timezone()


def today(now: datetime) -> date:
    return timezone.localdate(now, program_zone())


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=program_zone())


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def shift_quarters(first: date, n: int) -> date:
    months = first.year * 12 + first.month - 1 + 3 * n
    return date(months // 12, months % 12 + 1, 1)


def quarter_label(first: date) -> str:
    return f"{first.year} Q{(first.month - 1) // 3 + 1}"


def _just_before(moment: datetime) -> datetime:
    # Windows include both ends; PostgreSQL keeps microseconds, so this is "before `moment`".
    return moment - timedelta(microseconds=1)


def _calendar(key: str, start_day: date, end: datetime, last_day: date) -> Period:
    start = midnight(start_day)
    days = max(1, (last_day - start_day).days + 1)
    return Period(key, Window(start=start, end=end, days=days), start_day, last_day)


def resolve(key: str, now: datetime, first: date | None = None, last: date | None = None) -> Period:
    """The period `key` at `now` (a custom range from `first` to `last`, both validated by the
    form). KeyError for a key that names none."""
    day = today(now)
    if key.isdigit() and int(key) in PERIODS:
        days = int(key)
        start = now - timedelta(days=days)
        return Period(key, Window(start=start, end=now, days=days), today(start), day)
    if key == THIS_QUARTER:
        return _calendar(key, quarter_start(day), now, day)
    if key == LAST_QUARTER:
        this = quarter_start(day)
        begun = shift_quarters(this, -1)
        return _calendar(key, begun, _just_before(midnight(this)), this - timedelta(days=1))
    if key == YEAR_TO_DATE:
        return _calendar(key, date(day.year, 1, 1), now, day)
    if key == QUARTERS:
        begun = shift_quarters(quarter_start(day), -(QUARTERS_SHOWN - 1))
        return _calendar(key, begun, now, day)
    if key == CUSTOM and first is not None and last is not None:
        end = now if last >= day else _just_before(midnight(last + timedelta(days=1)))
        return _calendar(key, first, end, last)
    raise KeyError(key)


def quarters(now: datetime, count: int) -> list[Period]:
    """The last `count` calendar quarters, oldest first, the current one ending now: each the
    very period "this quarter" or "last quarter" would be for it."""
    this = quarter_start(today(now))
    out = []
    for n in range(count - 1, -1, -1):
        first = shift_quarters(this, -n)
        if n == 0:
            out.append(_calendar(THIS_QUARTER, first, now, today(now)))
        else:
            after = shift_quarters(first, 1)
            end = _just_before(midnight(after))
            out.append(_calendar(quarter_label(first), first, end, after - timedelta(days=1)))
    return out
