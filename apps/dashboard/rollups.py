"""The registration roll-ups (models.RegistrationDay, models.ReviewTime): how they are kept,
rebuilt and read.

Kept by PostgreSQL statement-level triggers on the registrations table, with transition tables:
one statement (a service's save, QuerySet.update(), a 20,000-row COPY batch) adds its rows'
contributions, signed (+1 for the new version of a row, −1 for the old one), grouped by day
and partner and once more for the whole program (partner 0), as one ordered upsert — in the
transaction of the write, so a rolled-back write leaves nothing behind and every door (services,
django-fsm transitions, sweeps, CSV imports, the bench's COPY, tests' update()) is covered by
construction. TRUNCATE empties them. `rebuild()` recomputes them from the source rows
(`manage.py rebuild_rollups`, and migration 0003 for the data already there).

Days are local days in settings.TIME_ZONE, written into the trigger functions when they are
installed (migration 0003, and again by every rebuild: change the time zone, then rebuild).

Review time (reviewed_at − submitted_at) goes into fixed buckets (TIERS): one hour wide up to
a week, one day wide up to 90 days, 30 days wide up to ten years, then one open bucket. A percentile read from them is off by
less than the width of the bucket(s) holding its neighbouring values (`percentiles`) — under an
hour for reviews up to a week, which the page says beside the figure. Whole-hour SLAs up to a week
fall on bucket edges, so "reviewed late" stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.core.postgresql.triggers import (
    Signed,
    drop_statement_triggers,
    install_statement_triggers,
    signed_function,
)

from .models import ALL_PARTNERS, RegistrationDay, ReviewTime

HOUR = 3600
# (up to, width) in hours: one-hour buckets up to a week, one-day up to 90 days, 30-day up to
# ten years, then one open bucket.
TIERS = ((168, 1), (2160, 24), (88560, 720))
HOURLY_UP_TO = TIERS[0][0]


def _tier_starts() -> list[tuple[int, int, int, int]]:
    """(first bucket, low hours, high hours, width hours) of each tier."""
    out, bucket, low = [], 1, 0
    for high, width in TIERS:
        out.append((bucket, low, high, width))
        bucket += (high - low) // width
        low = high
    return out


LAST_BUCKET = sum((high - low) // width for _, low, high, width in _tier_starts()) + 1
OPEN_FROM = TIERS[-1][0] * HOUR

SOURCE = "deals_dealregistration"
COUNTS = RegistrationDay._meta.db_table
REVIEWS = ReviewTime._meta.db_table
COUNT_COLUMNS = ("submitted", "approved", "rejected", "won", "lost")


def bucket_edges(bucket: int) -> tuple[float, float]:
    """(low, high] of a bucket in seconds; bucket 0 holds exactly 0, the last one is open."""
    if bucket <= 0:
        return 0.0, 0.0
    for first, low, high, width in _tier_starts():
        if bucket < first + (high - low) // width:
            start = (low + (bucket - first) * width) * HOUR
            return float(start), float(start + width * HOUR)
    return float(OPEN_FROM), float("inf")


def _bucket_sql() -> str:
    cases = "".join(
        f" WHEN s <= {high * HOUR} THEN {first - 1} + ceil((s - {low * HOUR}) / {width * HOUR})"
        for first, low, high, width in _tier_starts()
    )
    return f"""
CREATE OR REPLACE FUNCTION dashboard_review_bucket(s numeric) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN s <= 0 THEN 0{cases} ELSE {LAST_BUCKET} END)::smallint
$$
"""


def _day(column: str, tz: str) -> str:
    return f"({column} AT TIME ZONE '{tz}')::date"


def _counts(rel: str, sign: int, tz: str) -> str:
    """One signed row per (day, partner, what happened) of the rows of `rel`."""
    s = str(sign)
    return f"""
        SELECT {_day("submitted_at", tz)} AS day, partner_id,
               {s} AS submitted, 0 AS approved, 0 AS rejected, 0 AS won, 0 AS lost
        FROM {rel} WHERE submitted_at IS NOT NULL
        UNION ALL
        SELECT {_day("approved_at", tz)}, partner_id, 0, {s}, 0, 0, 0
        FROM {rel} WHERE approved_at IS NOT NULL
        UNION ALL
        SELECT {_day("reviewed_at", tz)}, partner_id, 0, 0, {s}, 0, 0
        FROM {rel} WHERE status = 'rejected' AND reviewed_at IS NOT NULL
        UNION ALL
        SELECT {_day("closed_at", tz)}, partner_id, 0, 0, 0,
               CASE WHEN status = 'won' THEN {s} ELSE 0 END,
               CASE WHEN status = 'lost' THEN {s} ELSE 0 END
        FROM {rel} WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL"""  # noqa: S608 — our SQL


def _reviews(rel: str, sign: int, tz: str) -> str:
    return f"""
        SELECT {_day("reviewed_at", tz)} AS day, partner_id,
               dashboard_review_bucket(EXTRACT(EPOCH FROM reviewed_at - submitted_at)) AS bucket,
               {sign} AS n
        FROM {rel} WHERE reviewed_at IS NOT NULL"""  # noqa: S608 — our SQL


def _sums() -> str:
    return ", ".join(f"SUM({c})" for c in COUNT_COLUMNS)


def _upsert_counts(changes: str) -> str:
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in COUNT_COLUMNS)
    added = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in COUNT_COLUMNS)
    # Grouped (one row per key), ordered (concurrent writers lock the rows in one order).
    return f"""
        INSERT INTO {COUNTS} AS t (day, partner_id, {", ".join(COUNT_COLUMNS)})
        SELECT day, COALESCE(partner_id, {ALL_PARTNERS}), {_sums()} FROM ({changes}) c
        GROUP BY GROUPING SETS ((day, partner_id), (day)) HAVING {nonzero}
        ORDER BY 2, 1
        ON CONFLICT (partner_id, day) DO UPDATE SET {added}"""  # noqa: S608 — our SQL


def _upsert_reviews(changes: str) -> str:
    return f"""
        INSERT INTO {REVIEWS} AS t (day, partner_id, bucket, n)
        SELECT day, COALESCE(partner_id, {ALL_PARTNERS}), bucket, SUM(n) FROM ({changes}) c
        GROUP BY GROUPING SETS ((day, partner_id, bucket), (day, bucket)) HAVING SUM(n) <> 0
        ORDER BY 2, 1, 3
        ON CONFLICT (partner_id, day, bucket) DO UPDATE SET n = t.n + EXCLUDED.n"""  # noqa: S608


def _trigger_function(tz: str) -> str:
    def both(rels: Signed) -> str:
        counts = " UNION ALL ".join(_counts(rel, sign, tz) for rel, sign in rels)
        reviews = " UNION ALL ".join(_reviews(rel, sign, tz) for rel, sign in rels)
        return f"{_upsert_counts(counts)};\n{_upsert_reviews(reviews)};"

    # Our SQL; the only outside text, the time zone, is quoted by _time_zone().
    return signed_function(
        "dashboard_rollup_registrations",
        both,
        f"DELETE FROM {COUNTS}; DELETE FROM {REVIEWS};",  # noqa: S608
    )


def _time_zone() -> str:
    return str(settings.TIME_ZONE).replace("'", "''")


def install(cursor) -> None:
    """(Re)create the bucket function, the trigger function (with the current time zone) and
    the triggers on the registrations table."""
    cursor.execute(_bucket_sql())
    cursor.execute(_trigger_function(_time_zone()))
    install_statement_triggers(cursor, SOURCE, "dashboard_rollup", "dashboard_rollup_registrations")


def uninstall(cursor) -> None:
    drop_statement_triggers(cursor, SOURCE, "dashboard_rollup")
    cursor.execute("DROP FUNCTION IF EXISTS dashboard_rollup_registrations()")
    cursor.execute("DROP FUNCTION IF EXISTS dashboard_review_bucket(numeric)")


def rebuild_with(cursor) -> None:
    """Recompute every roll-up from the registrations. Writes to them wait meanwhile (SHARE
    lock), so no increment is lost between the delete and the recount."""
    install(cursor)
    tz = _time_zone()
    cursor.execute(f"LOCK TABLE {SOURCE} IN SHARE MODE")
    cursor.execute(f"DELETE FROM {COUNTS}")  # noqa: S608 — table names from _meta
    cursor.execute(f"DELETE FROM {REVIEWS}")  # noqa: S608
    cursor.execute(_upsert_counts(_counts(SOURCE, 1, tz)))
    cursor.execute(_upsert_reviews(_reviews(SOURCE, 1, tz)))


def rebuild() -> None:
    """The entry point for code that wrote registrations in bulk with the triggers off, or
    changed the time zone (bench/seed.py can call it after seeding)."""
    with connection.cursor() as cursor:
        rebuild_with(cursor)


# --- reading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Split:
    """A period [start, end] as whole local days (read from the roll-ups) corrected by the
    parts of its first and last day that the rows themselves are counted for: each edge is
    (from, to, from included, to included, sign) — +1 adds the rows of a partial day inside the
    period, −1 takes out the rows of a whole day's part outside it. Each end takes the cheaper
    of the two: a period ending now reads its last day from the roll-up and takes out the rows
    after now (none: an index probe), instead of counting the day so far row by row."""

    first_day: date | None  # whole days first_day..last_day; None when there are none
    last_day: date | None
    edges: tuple[tuple[datetime, datetime, bool, bool, int], ...]


def split(start: datetime, end: datetime, present: datetime | None = None) -> Split:
    """`present` (default: the clock) is the moment after which no row is expected: a period
    ending at or after it takes its last day whole and subtracts the (empty) rest of it."""
    tz = timezone.get_current_timezone()
    start_day, end_day = timezone.localdate(start), timezone.localdate(end)
    present = present or timezone.now()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    half = timedelta(hours=12)
    if start_day == end_day:
        day_start, day_end = midnight(start_day), midnight(start_day + timedelta(days=1))
        if end - start <= half and end < present:
            return Split(None, None, ((start, end, True, True, 1),))
        # The whole day, less what lies before the start and after the end.
        return Split(
            start_day,
            start_day,
            ((day_start, start, True, False, -1), (end, day_end, False, False, -1)),
        )
    edges = []
    first = start_day
    if start != midnight(start_day):
        if start - midnight(start_day) >= half:  # the rest of the first day is the smaller part
            first = start_day + timedelta(days=1)
            edges.append((start, midnight(first), True, False, 1))
        else:  # the first day whole, less its hours before the start
            edges.append((midnight(start_day), start, True, False, -1))
    after = midnight(end_day + timedelta(days=1))
    if end >= present or after - end <= half:  # the last day whole, less what follows the end
        last = end_day
        edges.append((end, after, False, False, -1))
    else:
        last = end_day - timedelta(days=1)
        edges.append((midnight(end_day), end, True, True, 1))
    whole = first <= last
    return Split(first if whole else None, last if whole else None, tuple(edges))


def percentiles(counts: dict[int, int], fractions: tuple[float, ...]) -> dict:
    """{"n", fraction: seconds, …} from bucket counts, as PostgreSQL's percentile_cont reads
    sorted values: rank 1 + f(n − 1), between two neighbouring values. Each value is placed
    evenly inside its bucket, so each estimate is off by less than the width of the bucket(s)
    holding those two neighbours (the error bound stated beside the figure)."""
    n = sum(counts.values())
    out: dict = {"n": n}
    if not n:
        return out | dict.fromkeys(fractions)
    ordered = sorted((b, c) for b, c in counts.items() if c)

    def value(rank: int) -> float:  # the rank-th value (1-based), placed inside its bucket
        seen = 0
        for b, c in ordered:
            if rank <= seen + c:
                low, high = bucket_edges(b)
                if high == float("inf"):
                    return low
                return low + (high - low) * (rank - seen - 0.5) / c
            seen += c
        raise ValueError(rank)

    for f in fractions:
        rank = 1 + f * (n - 1)
        below = int(rank)
        lower = value(below)
        upper = value(min(below + 1, n))
        out[f] = lower + (upper - lower) * (rank - below)
    return out


def error_bound(counts: dict[int, int], fraction: float) -> float:
    """The most the estimate of `fraction` can be off, in seconds (widest neighbouring bucket)."""
    n = sum(counts.values())
    rank = 1 + fraction * (n - 1)
    wanted = {int(rank), min(int(rank) + 1, n)}
    seen, widest = 0, 0.0
    for b, c in sorted(counts.items()):
        if any(seen < r <= seen + c for r in wanted):
            low, high = bucket_edges(b)
            widest = max(widest, high - low)
        seen += c
    return widest
