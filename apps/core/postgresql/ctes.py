"""Joining grouped querysets in the database (the dashboard's figures, the deals' won figures).

The ORM builds each grouped aggregate (with the manager filter, the period, the currency
conversion), but it cannot join two grouped results to each other, nor rank them and keep the
first few. `with_ctes` names querysets as common table expressions of one statement whose final
SELECT, written here in SQL, joins, scores, ranks and limits them — so a figure that ranks every
partner sends back its top rows, not one row per partner for Python to fold.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet


def with_ctes(
    ctes: dict[str, QuerySet | str],
    select: str,
    params: list | tuple = (),
    materialized: tuple[str, ...] = (),
) -> list[dict]:
    """Run `WITH name AS (queryset or SQL), … select` and return its rows as dicts. A queryset's
    columns are its `values()` names; a later expression may read an earlier one; `select` takes
    `%s` parameters, after the querysets'. The `materialized` ones are computed once, where
    inlining would evaluate a column's expression (a per-row lookup, say) once per use."""
    parts: list[str] = []
    args: list[Any] = []
    for name, qs in ctes.items():
        if isinstance(qs, str):
            sql, qs_params = qs, ()
        else:
            sql, qs_params = qs.order_by().query.sql_with_params()
        parts.append(f"{name} AS {'MATERIALIZED ' if name in materialized else ''}({sql})")
        args.extend(qs_params)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {select}", [*args, *params])
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
