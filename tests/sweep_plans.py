"""What a sweep's pass reads, from PostgreSQL's own account: every SELECT the pass ran is
EXPLAINed with ANALYZE, and the scans of a table report which index they used and how many rows
they fetched or threw away.

A repeat pass with nothing new due must read no row of the tables it sweeps: each scan goes
through an index on what makes a row due (a partial index, a reminded mark, a next-due time) and
finds nothing there, however many handled rows the table holds. Sequential scans are disabled
while explaining so a tiny test table cannot hide a missing index behind a cheap full scan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Scan:
    table: str
    node: str
    index: str | None
    rows: int  # fetched from the table (or the index), plus those a filter threw away


def _scans(plan: dict, out: list[Scan]) -> None:
    table = plan.get("Relation Name")
    if table:
        rows = int(plan.get("Actual Rows", 0)) * int(plan.get("Actual Loops", 1) or 1)
        rows += int(plan.get("Rows Removed by Filter", 0))
        rows += int(plan.get("Rows Removed by Index Recheck", 0))
        out.append(Scan(table, plan["Node Type"], plan.get("Index Name"), rows))
    for child in plan.get("Plans", []):
        if child.get("Node Type") == "Bitmap Index Scan" and table:
            out[-1].index = ",".join(filter(None, [out[-1].index, child.get("Index Name")]))
        if child.get("Node Type") == "BitmapOr" and table:
            names = [c.get("Index Name") for c in child.get("Plans", [])]
            out[-1].index = ",".join(filter(None, [out[-1].index, *names]))
        _scans(child, out)


def scans_of(
    pass_: Callable[[], object], analyze: tuple[str, ...] = ()
) -> tuple[object, list[Scan]]:
    """Run `pass_()`, then EXPLAIN ANALYZE each SELECT it ran; its result and the table scans.
    The tables in `analyze` get fresh planner statistics first (as autovacuum gives a real one)."""
    with CaptureQueriesContext(connection) as ctx:
        result = pass_()
    found: list[Scan] = []
    with connection.cursor() as cursor:
        for table in analyze:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            for query in ctx.captured_queries:
                sql = query["sql"]
                if not sql.lstrip("( \n").upper().startswith("SELECT"):  # a UNION too
                    continue
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                _scans(plan[0]["Plan"], found)
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")
    return result, found


def assert_reads_nothing_handled(scans: list[Scan], tables: dict[str, str | None]) -> None:
    """Each table named was scanned only through its index (the name given, None: any index)
    and none of its rows was read."""
    seen = set()
    for scan in scans:
        if scan.table not in tables:
            continue
        seen.add(scan.table)
        expected = tables[scan.table]
        assert scan.node != "Seq Scan", f"{scan.table} read in full: {scan}"
        if expected is not None:
            assert scan.index and expected in scan.index, f"{scan.table} not by {expected}: {scan}"
        assert scan.rows == 0, f"{scan.table}: {scan.rows} rows read again: {scan}"
    assert seen, f"none of {sorted(tables)} was read at all: {scans}"
