"""The counts routing reads for every matching partner, kept as the leads are written
(models.PartnerLeadLoad, models.RuleShare): how many leads a partner holds open (assigned or
accepted: the cap) and how many leads each rule gave it (the weighted round robin).

Counting them from the leads and assignments for each of a rule's matching partners cost the
routing statement one index probe per partner and count — about 17 ms for the 800 partners a
rule matches in the full-size benchmark, the whole of routing's growth with the program. Read
from these tables it is one join per count.

Kept like the dashboard's roll-ups (apps/dashboard/rollups.py): PostgreSQL statement-level
triggers on the leads and assignments tables add each statement's signed contributions (+1 for
a row's new version, −1 for its old one) per partner, as one ordered upsert, in the transaction
of the write — every door (services, transitions, sweeps, the manager's hand, QuerySet.update(),
a partner's exit, COPY) is covered by construction, and a rolled-back write leaves nothing.
TRUNCATE empties them. `rebuild()` recounts them from the source rows (`manage.py
rebuild_rollups`, and migration 0005 for the leads already there).

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

from .models import OPEN_WITH_PARTNER, Assignment, Lead, PartnerLeadLoad, RuleShare

LEADS = Lead._meta.db_table
ASSIGNMENTS = Assignment._meta.db_table
LOADS = PartnerLeadLoad._meta.db_table
SHARES = RuleShare._meta.db_table

_OPEN = ", ".join(f"'{s}'" for s in OPEN_WITH_PARTNER)  # our own status values


def _open(rel: str, sign: int) -> str:
    return (
        f"SELECT partner_id, {sign} AS n FROM {rel} "  # noqa: S608 — our table names
        f"WHERE partner_id IS NOT NULL AND status IN ({_OPEN})"
    )


def _given(rel: str, sign: int) -> str:
    return f"SELECT rule_id, partner_id, {sign} AS n FROM {rel} WHERE rule_id IS NOT NULL"  # noqa: S608


def _upsert_loads(changes: str) -> str:
    # Grouped (one row per partner), ordered (concurrent writers lock the rows in one order).
    return f"""
        INSERT INTO {LOADS} AS t (partner_id, open_leads)
        SELECT partner_id, SUM(n) FROM ({changes}) c
        GROUP BY partner_id HAVING SUM(n) <> 0 ORDER BY 1
        ON CONFLICT (partner_id) DO UPDATE SET open_leads = t.open_leads + EXCLUDED.open_leads"""  # noqa: S608


def _upsert_shares(changes: str) -> str:
    return f"""
        INSERT INTO {SHARES} AS t (rule_id, partner_id, received)
        SELECT rule_id, partner_id, SUM(n) FROM ({changes}) c
        GROUP BY rule_id, partner_id HAVING SUM(n) <> 0 ORDER BY 1, 2
        ON CONFLICT (rule_id, partner_id) DO UPDATE SET received = t.received + EXCLUDED.received"""  # noqa: S608


def _function(name: str, count, upsert, table: str) -> str:
    def add(rels: Signed) -> str:
        return upsert(" UNION ALL ".join(count(rel, sign) for rel, sign in rels)) + ";"

    return signed_function(name, add, f"DELETE FROM {table};")  # noqa: S608 — our SQL


# (source table, trigger prefix, function, the count, its upsert, the kept table)
_KEPT = (
    (LEADS, "leads_load", "leads_count_open", _open, _upsert_loads, LOADS),
    (ASSIGNMENTS, "leads_share", "leads_count_given", _given, _upsert_shares, SHARES),
)


def install(cursor) -> None:
    """(Re)create the trigger functions and the triggers on leads and assignments."""
    for source, prefix, function, count, upsert, table in _KEPT:
        cursor.execute(_function(function, count, upsert, table))
        install_statement_triggers(cursor, source, prefix, function)


def uninstall(cursor) -> None:
    for source, prefix, function, *_ in _KEPT:
        drop_statement_triggers(cursor, source, prefix)
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def rebuild_with(cursor) -> None:
    """Recount both from the source rows. Writes to leads and assignments wait meanwhile (SHARE
    lock), so no increment is lost between the delete and the recount."""
    install(cursor)
    for source, _prefix, _function_name, count, upsert, table in _KEPT:
        cursor.execute(f"LOCK TABLE {source} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — table names from _meta
        cursor.execute(upsert(count(source, 1)))


def rebuild() -> None:
    with connection.cursor() as cursor:
        rebuild_with(cursor)
