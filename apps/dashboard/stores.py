"""Figures kept per partner and refreshed where they changed: the engine behind the stored health
scores (health.py) and money figures (money.py).

A store is a table of one row per partner (its figures, `computed_at`, and `due_at`: the next
moment the clock alone may change them), a table of marks, and the statement that computes the
figures from the source rows — the same statement the page used to run over every partner,
restricted to some partners' ids:

- PostgreSQL statement-level triggers on the tables the figures read mark the partners a write
  touched, in the transaction of the write, whatever made it (a service, a transition, a sweep,
  an import, QuerySet.update(), COPY). An update marks only when a column the figures read
  changed; a write that changes everyone's figures (a stage target, an exchange rate) marks
  partner 0, which stands for all.
- `refresh(now)` takes the marks and the rows due by `now`, and recomputes just those partners
  (every partner past FULL_PASS_ABOVE of them, or on partner 0): its cost follows the changes,
  not the table. With nothing marked or due it reads two indexes and finds nothing.
- `rebuild(now)` installs the triggers and recomputes every partner (a migration,
  `manage.py rebuild_rollups`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction

from apps.core.postgresql.ctes import with_ctes
from apps.core.postgresql.triggers import drop_statement_triggers, install_statement_triggers

from .metrics.common import sql_timestamp
from .models import ALL_PARTNERS

# Above this many partners to recompute, one pass over all of them costs less than the list.
FULL_PASS_ABOVE = 1000

# (table, the partner id of a row `x` in SQL, the columns the figures read)
Source = tuple[str, str, tuple[str, ...]]


def columns_of(model, *names: str) -> tuple[str, ...]:
    return tuple(model._meta.get_field(n).column for n in names)


@dataclass(frozen=True)
class Store:
    name: str  # in the names of the triggers and their functions
    rows: type[models.Model]  # partner_id (primary key), the figures, computed_at, due_at
    marks: type[models.Model]  # partner_id (primary key)
    stored: tuple[str, ...]  # the figures: columns of `rows` and of the statement's `ranked`
    sources: Callable[[], list[Source]]
    # (now, partner ids or None for all) -> the CTEs of the statement, the last one `ranked`:
    # a row per partner with `id`, the stored columns and `due_at`
    statement: Callable[[datetime, list[int] | None], dict]

    @property
    def table(self) -> str:
        return self.rows._meta.db_table

    @property
    def marks_table(self) -> str:
        return self.marks._meta.db_table

    # --- the triggers ---------------------------------------------------------------------
    def _mark(self, select: str) -> str:
        # Appended (no unique key, no ON CONFLICT): a writer never waits for another writer or
        # for a refresh that holds the same partner's mark; the refresh takes duplicates at once.
        into = f"INSERT INTO {self.marks_table} (partner_id)"
        picked = f"SELECT DISTINCT p FROM ({select}) s WHERE p IS NOT NULL"  # noqa: S608
        return f"{into} {picked};"

    def _function(self, table: str, partner: str, columns: tuple[str, ...]) -> str:
        def row(alias: str) -> str:
            return "(" + ", ".join(f"{alias}.{c}" for c in columns) + ")"

        other = partner.replace("x.", "o.") if partner.startswith("x.") else None
        # An update marks the partner of the new row and, when it moved, of the old one — only
        # where a column the figures read changed.
        changed = f"{row('o')} IS DISTINCT FROM {row('x')}"
        both = "FROM new_rows x JOIN old_rows o ON o.id = x.id WHERE"
        updated = f"SELECT {partner} AS p {both} {changed}"
        if other:
            updated += f" UNION ALL SELECT {other} {both} {changed}"
        everyone = self._mark(f"SELECT {ALL_PARTNERS} AS p")
        return f"""
CREATE OR REPLACE FUNCTION dashboard_{self.name}_mark_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {self._mark(f"SELECT {partner} AS p FROM new_rows x")}
  ELSIF TG_OP = 'UPDATE' THEN
    {self._mark(updated)}
  ELSIF TG_OP = 'DELETE' THEN
    {self._mark(f"SELECT {partner} AS p FROM old_rows x")}
  ELSE  -- TRUNCATE
    {everyone}
  END IF;
  RETURN NULL;
END
$$
"""  # noqa: S608 — our SQL: table and column names from _meta

    def install(self, cursor) -> None:
        """(Re)create the marking functions and their triggers."""
        for table, partner, columns in self.sources():
            cursor.execute(self._function(table, partner, columns))
            install_statement_triggers(
                cursor, table, f"dashboard_{self.name}", f"dashboard_{self.name}_mark_{table}"
            )

    def uninstall(self, cursor) -> None:
        for table, _partner, _columns in self.sources():
            drop_statement_triggers(cursor, table, f"dashboard_{self.name}")
            cursor.execute(f"DROP FUNCTION IF EXISTS dashboard_{self.name}_mark_{table}()")

    # --- computing --------------------------------------------------------------------------
    def _compute(self, now: datetime, only: list[int] | None) -> None:
        """Compute `only` (every partner when None) as of `now` and store it; a partner the
        statement no longer returns loses its row. One statement."""
        columns = ", ".join(self.stored)
        ctes = self.statement(now, only)
        ctes["upserted"] = f"""
            INSERT INTO {self.table} (partner_id, {columns}, due_at, computed_at)
            SELECT id, {columns}, due_at, {sql_timestamp(now)} FROM ranked ORDER BY id
            ON CONFLICT (partner_id) DO UPDATE SET
                {", ".join(f"{c} = EXCLUDED.{c}" for c in (*self.stored, "due_at", "computed_at"))}
            RETURNING partner_id"""  # noqa: S608 — our SQL
        scope = "TRUE" if only is None else "h.partner_id = ANY(%s)"
        with_ctes(
            ctes,
            f"""
            DELETE FROM {self.table} h WHERE {scope}
            AND NOT EXISTS (SELECT FROM upserted u WHERE u.partner_id = h.partner_id)
            RETURNING h.partner_id
            """,  # noqa: S608 — our SQL; the ids are a parameter
            [] if only is None else [only],
        )

    def refresh(self, now: datetime) -> int:
        """Recompute what a write marked and what the clock made due by `now`; how many
        partners that was (0: nothing read but the two indexes)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH taken AS (DELETE FROM {self.marks_table} RETURNING partner_id)
                SELECT partner_id FROM taken
                UNION SELECT partner_id FROM {self.table} WHERE due_at <= %s
                """,  # noqa: S608 — table names from _meta
                [now],
            )
            due = {row[0] for row in cursor.fetchall()}
            if not due:
                return 0
            if ALL_PARTNERS in due or len(due) > FULL_PASS_ABOVE:
                self._compute(now, None)
            else:
                self._compute(now, sorted(due))
            return len(due)

    def rebuild(self, now: datetime) -> None:
        """Install the triggers and compute every partner anew."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                self.install(cursor)
                cursor.execute(f"DELETE FROM {self.marks_table}")  # noqa: S608
            self._compute(now, None)

    def stored_after(self, now: datetime) -> bool:
        """Whether some row was computed after `now` (a moment before the store's own time is
        answered from the source rows)."""
        return self.rows._default_manager.filter(computed_at__gt=now).exists()
