"""Percentiles computed where the rows are.

PostgreSQL has the ordered-set aggregate `percentile_cont`; SQLite has none, so there the one
query returns the values sorted and the same linear interpolation runs in Python. Either way a
figure costs one query whatever the number of rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def percentile_cont(sorted_values: list[float], fraction: float) -> float | None:
    """The same definition as PostgreSQL's percentile_cont: linear between closest ranks."""
    if not sorted_values:
        return None
    pos = fraction * (len(sorted_values) - 1)
    low = int(pos)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (pos - low)


def db_datetime(value: datetime):
    """A datetime as the backend stores it, for raw SQL parameters."""
    return connection.ops.adapt_datetimefield_value(value)


def days_between(later: str, earlier: str) -> str:
    """SQL for (later − earlier) in days, as a float, on either backend."""
    if is_postgres():
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def grouped_percentiles(sql: str, params: list, fractions: tuple[float, ...]) -> dict[object, dict]:
    """`sql` selects rows of columns g (group) and v (value); returns {grp: {"n", "p<fraction>"...}} in one query."""
    out: dict[object, dict] = {}
    with connection.cursor() as cursor:
        if is_postgres():
            cols = ", ".join(
                f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY t.v)" for f in fractions
            )
            cursor.execute(
                f"SELECT t.g, COUNT(*), {cols} FROM ({sql}) AS t "
                "WHERE t.v IS NOT NULL GROUP BY t.g",
                params,
            )
            for row in cursor.fetchall():
                out[row[0]] = {"n": row[1]} | {
                    f: (float(v) if v is not None else None)
                    for f, v in zip(fractions, row[2:], strict=True)
                }
            return out
        cursor.execute(
            f"SELECT t.g, t.v FROM ({sql}) AS t WHERE t.v IS NOT NULL ORDER BY t.g, t.v", params
        )
        values: dict[object, list[float]] = {}
        for grp, value in cursor.fetchall():
            values.setdefault(grp, []).append(float(value))
    for grp, vals in values.items():
        out[grp] = {"n": len(vals)} | {f: percentile_cont(vals, f) for f in fractions}
    return out


def queryset_percentiles(
    qs, value: str, fractions: tuple[float, ...], group: str | None = None, above=None
):
    """Percentiles of a duration annotation `value` of a queryset, in seconds, grouped by the
    annotation `group` (or one group None). With `above` (a timedelta), also how many values
    exceed it ("above"), counted in the same pass. One query."""
    inner = qs.values(*([group] if group else []), value).order_by()
    sql, params = inner.query.sql_with_params()
    # The inner SELECT's columns are (group, value) or (value): alias them positionally.
    if is_postgres():
        seconds = "EXTRACT(EPOCH FROM t.v)"
        names = "t(g, v)" if group else "t(v)"
        grp = "t.g" if group else "NULL"
        percentiles = ", ".join(
            f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY {seconds})" for f in fractions
        )
        count_above = ", COUNT(*) FILTER (WHERE t.v > %s)" if above is not None else ""
        query = (
            f"SELECT {grp}, COUNT(*), {percentiles}{count_above} FROM ({sql}) AS {names} "
            f"WHERE t.v IS NOT NULL GROUP BY 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*([above] if above is not None else []), *params])
            rows = cursor.fetchall()
        out = {}
        for row in rows:
            out[row[0]] = {"n": row[1]} | {
                f: (float(v) if v is not None else None)
                for f, v in zip(fractions, row[2 : 2 + len(fractions)], strict=True)
            }
            if above is not None:
                out[row[0]]["above"] = row[-1]
        return out
    # SQLite: Django stores durations as microseconds; sort them in the database.
    values: dict[object, list[float]] = {}
    ordered = qs.values_list(*([group] if group else []), value).order_by(
        *([group] if group else []), value
    )
    for row in ordered.filter(**{f"{value}__isnull": False}):
        grp, delta = (row[0], row[1]) if group else (None, row[0])
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta) / 1e6
        values.setdefault(grp, []).append(seconds)
    out = {}
    for grp, vals in values.items():
        out[grp] = {"n": len(vals)} | {f: percentile_cont(vals, f) for f in fractions}
        if above is not None:
            out[grp]["above"] = sum(1 for v in vals if v > above.total_seconds())
    return out
