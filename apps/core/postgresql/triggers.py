"""Statement-level triggers with transition tables: the four of a table (insert, update, delete,
truncate), created and dropped together under one prefix (the dashboard's roll-ups and stores,
apps/core/freshness.py)."""

from __future__ import annotations

from collections.abc import Callable

# A transition table and the sign of its rows' contributions: the new versions add, the old
# ones take away (an update gives both).
Signed = list[tuple[str, int]]

_TRIGGERS = [
    "AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows",
    "AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows",
    "AFTER TRUNCATE ON {t}",
]


def install_statement_triggers(cursor, table: str, prefix: str, function: str) -> None:
    """(Re)create the four statement-level triggers named `prefix`_0..3 on `table`, each running
    `function`() with its transition tables (new_rows, old_rows)."""
    for n, spec in enumerate(_TRIGGERS):
        name = f"{prefix}_{n}"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {name} {spec.format(t=table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def drop_statement_triggers(cursor, table: str, prefix: str) -> None:
    for n in range(len(_TRIGGERS)):
        cursor.execute(f"DROP TRIGGER IF EXISTS {prefix}_{n} ON {table}")


def signed_function(name: str, add: Callable[[Signed], str], truncate: str) -> str:
    """The SQL of trigger function `name` for the four triggers above, keeping counts: each
    statement's rows go to `add` (SQL statements) signed — an insert's new_rows +1, an update's
    new_rows +1 and old_rows −1, a delete's old_rows −1 — and TRUNCATE runs `truncate`."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {add([("new_rows", 1)])}
  ELSIF TG_OP = 'UPDATE' THEN
    {add([("new_rows", 1), ("old_rows", -1)])}
  ELSIF TG_OP = 'DELETE' THEN
    {add([("old_rows", -1)])}
  ELSE  -- TRUNCATE
    {truncate}
  END IF;
  RETURN NULL;
END
$$
"""
