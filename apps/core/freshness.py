"""Figures kept until what they read changes: a named set of inputs (tables, and optionally the
columns or rows of them that matter) whose token moves, in the transaction of the write, on
every write that touches them — and on no other.

A figure that reads many rows (the return on funds, the lifecycle funnel, the lead ranking) is
kept in the cache with the token it was computed under (`kept`), and computed again only when
the token has moved or its key (the day, the period) changed. PostgreSQL statement-level
triggers move the token, so every door is covered by construction: services, transitions,
sweeps, imports, QuerySet.update(), COPY.

A move is a row appended to `core_figurechange`, never an update of a shared row: writers in
different transactions never wait on one another (nor deadlock) to move tokens. The token is the
newest row's id for the name; a write's move is invisible until it commits, so a figure computed
from older rows is never kept under a newer token (the token is read before computing). Ids come
from a sequence, which a rolled-back transaction does not rewind: an old token never comes back.
Older rows are pruned as the token is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection

from .models import FigureChange
from .postgresql.triggers import drop_statement_triggers, install_statement_triggers

log = logging.getLogger(__name__)
CHANGES = FigureChange._meta.db_table


@dataclass(frozen=True)
class Watch:
    """A table whose writes move the token: any write, or an update only when one of `columns`
    changed, and only for rows where `when(rows)` (SQL over a transition table) holds."""

    table: str
    columns: tuple[str, ...] | None = None
    when: Callable[[str], str] | None = None
    key: str = "id"  # how an updated row's old and new versions are matched


@dataclass(frozen=True)
class Inputs:
    name: str  # [a-z_]+: in the triggers' names
    watches: Callable[[], list[Watch]] = field(compare=False)

    def _move(self) -> str:
        return f"INSERT INTO {CHANGES} (name) VALUES ('{self.name}');"  # noqa: S608 — our names

    def _function(self, watch: Watch) -> str:
        def matters(rows: str) -> str:
            some = f"EXISTS (SELECT FROM {rows})"  # noqa: S608 — a transition table's name
            return f"({watch.when(rows)})" if watch.when else some

        if watch.columns:
            old = ", ".join(f"o.{c}" for c in watch.columns)
            new = ", ".join(f"x.{c}" for c in watch.columns)
            pairs = f"new_rows x JOIN old_rows o ON o.{watch.key} = x.{watch.key}"
            changed = f"EXISTS (SELECT FROM {pairs} WHERE ({old}) IS DISTINCT FROM ({new}))"  # noqa: S608
        else:
            changed = "TRUE"
        return f"""
CREATE OR REPLACE FUNCTION figures_{self.name}_{watch.table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    {self._move()}
  ELSIF TG_OP = 'INSERT' THEN
    IF {matters("new_rows")} THEN {self._move()} END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF {matters("old_rows")} THEN {self._move()} END IF;
  ELSIF {changed} AND ({matters("new_rows")} OR {matters("old_rows")}) THEN
    {self._move()}
  END IF;
  RETURN NULL;
END
$$
"""

    def install(self, cursor) -> None:
        for watch in self.watches():
            function = f"figures_{self.name}_{watch.table}"
            cursor.execute(self._function(watch))
            install_statement_triggers(cursor, watch.table, f"figures_{self.name}", function)

    def uninstall(self, cursor) -> None:
        for watch in self.watches():
            drop_statement_triggers(cursor, watch.table, f"figures_{self.name}")
            cursor.execute(f"DROP FUNCTION IF EXISTS figures_{self.name}_{watch.table}()")

    def token(self) -> int:
        """The newest move's id (0 before any), read before computing."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COALESCE(MAX(id), 0) FROM {CHANGES} WHERE name = %s",  # noqa: S608
                [self.name],
            )
            newest = cursor.fetchone()[0]
            # Keep the newest only (a write appends one row per statement that mattered); rows
            # another reader is pruning are left to it, never waited for.
            cursor.execute(
                f"""DELETE FROM {CHANGES} WHERE id IN (
                    SELECT id FROM {CHANGES} WHERE name = %s AND id < %s FOR UPDATE SKIP LOCKED
                )""",  # noqa: S608 — the table's name from _meta
                [self.name, newest],
            )
        return newest


def kept(inputs: Inputs, key: Any, compute: Callable[[], Any], seconds: int = 24 * 3600) -> Any:
    """`compute()`, or what it returned before under the same token for the same `key` (one
    cache entry per key, whose text names it; a cache outage costs a computation, never the
    page); an entry is forgotten after `seconds`."""
    token = inputs.token()
    name = f"figures:{inputs.name}:{key}"
    try:
        found = cache.get(name)
    except Exception:
        log.warning("figures: the kept %s are unavailable", inputs.name, exc_info=True)
        found = None
    if found is not None and found["token"] == token and found["key"] == key:
        return found["value"]
    value = compute()
    try:
        cache.set(name, {"token": token, "key": key, "value": value}, seconds)
    except Exception:
        log.warning("figures: could not keep the %s", inputs.name, exc_info=True)
    return value
