"""Percentiles computed where the rows are: PostgreSQL's ordered-set aggregate
`percentile_cont`, so a figure costs one query whatever the number of rows."""

from __future__ import annotations

from datetime import datetime

from django.db import connection


def db_datetime(value: datetime):
    """A datetime as the backend stores it, for raw SQL parameters."""
    return connection.ops.adapt_datetimefield_value(value)


def days_between(later: str, earlier: str) -> str:
    """SQL for (later − earlier) in days, as a float."""
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


def grouped_percentiles(sql: str, params: list, fractions: tuple[float, ...]) -> dict[object, dict]:
    """`sql` selects rows of columns g (group) and v (value); returns {grp: {"n", "p<fraction>"...}} in one query."""
    out: dict[object, dict] = {}
    cols = ", ".join(f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY t.v)" for f in fractions)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.g, COUNT(*), {cols} FROM ({sql}) AS t WHERE t.v IS NOT NULL GROUP BY t.g",  # noqa: S608 — our SQL, values are parameters
            params,
        )
        for row in cursor.fetchall():
            out[row[0]] = {"n": row[1]} | {
                f: (float(v) if v is not None else None)
                for f, v in zip(fractions, row[2:], strict=True)
            }
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
    seconds = "EXTRACT(EPOCH FROM t.v)"
    names = "t(g, v)" if group else "t(v)"
    grp = "t.g" if group else "NULL"
    percentiles = ", ".join(
        f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY {seconds})" for f in fractions
    )
    count_above = ", COUNT(*) FILTER (WHERE t.v > %s)" if above is not None else ""
    # Our own SQL fragments and the queryset's compiled SQL; every value is a parameter.
    query = f"SELECT {grp}, COUNT(*), {percentiles}{count_above} FROM ({sql}) AS {names} "  # noqa: S608
    query += "WHERE t.v IS NOT NULL GROUP BY 1"
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
