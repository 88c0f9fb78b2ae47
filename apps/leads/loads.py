"""The counts routing reads for every matching partner, kept as the leads are written: how many
leads a partner holds open (assigned or accepted: the cap) and how many leads each rule gave it
(the weighted round robin).

Counting them from the leads and assignments for each of a rule's matching partners cost the
routing statement one probe into the leads and one into the assignments per partner — about
17 ms for the 800 partners a rule matches in the full-size benchmark, the whole of routing's
growth with the program. Kept here, a partner's count is a row of a small table
(models.PartnerLeadLoad, models.RuleShare) plus the few changes not yet folded into it.

- PostgreSQL statement-level triggers on the leads and assignments tables append each
  statement's signed contributions (+1 for a row's new version, −1 for its old one), summed per
  partner (and rule), to models.LeadCountChange — in the transaction of the write, so every door
  (services, transitions, sweeps, the manager's hand, QuerySet.update(), a partner's exit, COPY)
  is covered by construction, and a rolled-back write leaves nothing. Appended, not added into
  the partner's row: a rejected lead routed on counts down one partner and up another, and two
  such writes crossing between the same two partners would otherwise each hold one row and wait
  for the other's (a deadlock, seen in tests/leads/test_loads.py).
- `fold()` (the lead_counts sweep, every minute) moves the committed changes into the rows, one
  folder at a time: the changes it deletes are the ones it adds, in one statement.
- A count is read as the row plus the changes not yet folded (`routing.py`): one snapshot sees
  each change either in the row or among the changes, never both.
- TRUNCATE empties them; `rebuild()` recounts from the source rows (`manage.py rebuild_rollups`,
  and migration 0006 for the leads already there).

The partner and rule columns carry no foreign-key constraint: a deletion's cascade may run the
triggers after the counted partner or rule is gone, and a stale zero row is harmless.
"""

from __future__ import annotations

from django.db import connection

from apps.core.postgresql.triggers import (
    Signed,
    drop_statement_triggers,
    install_statement_triggers,
    signed_function,
)

from .models import OPEN_WITH_PARTNER, Assignment, Lead, LeadCountChange, PartnerLeadLoad, RuleShare

LEADS = Lead._meta.db_table
ASSIGNMENTS = Assignment._meta.db_table
LOADS = PartnerLeadLoad._meta.db_table
SHARES = RuleShare._meta.db_table
CHANGES = LeadCountChange._meta.db_table
FOLD_LOCK = 74101  # pg_advisory_xact_lock key: one fold (or rebuild) at a time

_OPEN = ", ".join(f"'{s}'" for s in OPEN_WITH_PARTNER)  # our own status values


def _open(rel: str, sign: int) -> str:
    return (
        f"SELECT partner_id, NULL::bigint AS rule_id, {sign} AS n FROM {rel} "  # noqa: S608
        f"WHERE partner_id IS NOT NULL AND status IN ({_OPEN})"
    )


def _given(rel: str, sign: int) -> str:
    return f"SELECT partner_id, rule_id, {sign} AS n FROM {rel} WHERE rule_id IS NOT NULL"  # noqa: S608


def _append(changes: str) -> str:
    return f"""
        INSERT INTO {CHANGES} (partner_id, rule_id, n)
        SELECT partner_id, rule_id, SUM(n) FROM ({changes}) c
        GROUP BY partner_id, rule_id HAVING SUM(n) <> 0"""  # noqa: S608 — our SQL


def _add_loads(rows: str) -> str:
    # Grouped (one row per partner), ordered.
    return f"""
        INSERT INTO {LOADS} AS t (partner_id, open_leads)
        SELECT partner_id, SUM(n) FROM ({rows}) c WHERE rule_id IS NULL
        GROUP BY partner_id HAVING SUM(n) <> 0 ORDER BY 1
        ON CONFLICT (partner_id) DO UPDATE SET open_leads = t.open_leads + EXCLUDED.open_leads"""  # noqa: S608


def _add_shares(rows: str) -> str:
    return f"""
        INSERT INTO {SHARES} AS t (rule_id, partner_id, received)
        SELECT rule_id, partner_id, SUM(n) FROM ({rows}) c WHERE rule_id IS NOT NULL
        GROUP BY rule_id, partner_id HAVING SUM(n) <> 0 ORDER BY 1, 2
        ON CONFLICT (rule_id, partner_id) DO UPDATE SET received = t.received + EXCLUDED.received"""  # noqa: S608


# (source table, trigger prefix, function, the count, what TRUNCATE empties)
_KEPT = (
    (
        LEADS,
        "leads_load",
        "leads_count_open",
        _open,
        f"DELETE FROM {LOADS}; DELETE FROM {CHANGES} WHERE rule_id IS NULL;",  # noqa: S608
    ),
    (
        ASSIGNMENTS,
        "leads_share",
        "leads_count_given",
        _given,
        f"DELETE FROM {SHARES}; DELETE FROM {CHANGES} WHERE rule_id IS NOT NULL;",  # noqa: S608
    ),
)


def _function(name: str, count, truncate: str) -> str:
    def add(rels: Signed) -> str:
        return _append(" UNION ALL ".join(count(rel, sign) for rel, sign in rels)) + ";"

    return signed_function(name, add, truncate)


def install(cursor) -> None:
    """(Re)create the trigger functions and the triggers on leads and assignments."""
    for source, prefix, function, count, truncate in _KEPT:
        cursor.execute(_function(function, count, truncate))
        install_statement_triggers(cursor, source, prefix, function)


def uninstall(cursor) -> None:
    for source, prefix, function, *_ in _KEPT:
        drop_statement_triggers(cursor, source, prefix)
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def fold_with(cursor) -> int:
    """Move the committed changes into the partners' rows; how many changes it folded. With
    none committed since the last fold, one look at an empty table (the sweep's repeat pass)."""
    cursor.execute(f"SELECT 1 FROM {CHANGES} LIMIT 1")  # noqa: S608 — our table
    if cursor.fetchone() is None:
        return 0
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
    cursor.execute(
        f"""
        WITH gone AS (DELETE FROM {CHANGES} RETURNING partner_id, rule_id, n),
             loads AS ({_add_loads("SELECT * FROM gone")} RETURNING 1),
             shares AS ({_add_shares("SELECT * FROM gone")} RETURNING 1)
        SELECT (SELECT COUNT(*) FROM gone), (SELECT COUNT(*) FROM loads),
               (SELECT COUNT(*) FROM shares)"""  # noqa: S608 — our SQL
    )
    return cursor.fetchone()[0]


def fold() -> int:
    with connection.cursor() as cursor:
        return fold_with(cursor)


def rebuild_with(cursor) -> None:
    """Recount from the source rows. Writes to leads and assignments wait meanwhile (SHARE
    lock), so no change is lost between the delete and the recount."""
    install(cursor)
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
    cursor.execute(f"LOCK TABLE {LEADS}, {ASSIGNMENTS} IN SHARE MODE")
    for table in (LOADS, SHARES, CHANGES):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — table names from _meta
    cursor.execute(_add_loads(_open(LEADS, 1)))
    cursor.execute(_add_shares(_given(ASSIGNMENTS, 1)))


def rebuild() -> None:
    with connection.cursor() as cursor:
        rebuild_with(cursor)
