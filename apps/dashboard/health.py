"""The health scores kept per partner (models.PartnerHealth): how they are marked, refreshed,
rebuilt and read.

Scoring every active partner on each refresh of the page grows with the program (128 ms of the
dashboard's refresh at 10,000 partners). So each partner's score is stored with the next moment
it may change with the clock alone (`due_at`: a signal's oldest row leaving its window, a task
falling due, a certification ending, the stage target passing — a day at most), and:

- PostgreSQL statement-level triggers on what the signals read (registrations, the partner,
  its tasks, QBRs and their action items, lead assignments, certifications, library opens,
  stage targets) mark the partners a write touched (models.HealthMark), in the transaction of
  the write — whatever made it: a service, a transition, a sweep, an import, QuerySet.update(),
  COPY. An update marks only when a column the score reads changed (a sweep's reminder marks
  do not); a stage target's change marks every partner (partner 0).
- `refresh(now)` takes the marks and the due scores and recomputes just those partners with
  the very statement that scores them from the source rows (metrics.health_score.signals,
  restricted to their ids): its cost follows the changes, not the table.
- `lowest(now, manager)` refreshes, then reads the lowest scores through an index.
  `metrics.health(now)` computes the same from the source rows; a property test holds the two
  equal over random writes and clocks (tests/dashboard/test_health_store.py), and `manage.py
  rebuild_rollups` recomputes them all.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from apps.deals.models import DealRegistration
from apps.enablement.models import Certification, ResourceOpen
from apps.leads.models import Assignment
from apps.partners.models import Partner, Task
from apps.program.models import StageConfig
from apps.qbrs.models import QBR, ActionItem

from .metrics.health_score import health, shape, signals, sql_timestamp
from .metrics.sql import with_ctes
from .models import ALL_PARTNERS, HealthMark, PartnerHealth
from .rollups import drop_triggers, install_triggers

HEALTH = PartnerHealth._meta.db_table
MARKS = HealthMark._meta.db_table
# Above this many partners to recompute, one pass over all of them costs less than the list.
FULL_PASS_ABOVE = 1000

STORED = (
    "manager_id",
    "name",
    "score",
    "activity",
    "wins",
    "satisfaction",
    "overdue",
    "stage_time",
    "leads",
    "enablement",
    "won",
    "lost",
    "last_score",
    "previous_score",
    "work",
    "answered",
    "lapsed",
    "certified_people",
    "due_at",
)


def _columns(model, *names: str) -> tuple[str, ...]:
    return tuple(model._meta.get_field(n).column for n in names)


def _sources() -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, the partner id of a row `x` in SQL, the columns the score reads)."""
    qbrs = QBR._meta.db_table
    return [
        (
            DealRegistration._meta.db_table,
            "x.partner_id",
            _columns(DealRegistration, "partner", "submitted_at", "status", "closed_at"),
        ),
        (
            Partner._meta.db_table,
            "x.id",
            _columns(Partner, "stage", "stage_entered_at", "name", "manager"),
        ),
        (
            Task._meta.db_table,
            "x.partner_id",
            _columns(Task, "partner", "stage", "stage_visit", "due_date", "done"),
        ),
        (
            qbrs,
            "x.partner_id",
            _columns(QBR, "partner", "status", "satisfaction_score", "completed_at"),
        ),
        (
            ActionItem._meta.db_table,
            f"(SELECT q.partner_id FROM {qbrs} q WHERE q.id = x.qbr_id)",  # noqa: S608 — _meta
            _columns(ActionItem, "qbr", "due_date", "done"),
        ),
        (
            Assignment._meta.db_table,
            "x.partner_id",
            _columns(Assignment, "partner", "assigned_at", "outcome"),
        ),
        (
            Certification._meta.db_table,
            "x.partner_id",
            _columns(Certification, "partner", "user", "status", "earned_at", "expires_at"),
        ),
        (
            ResourceOpen._meta.db_table,
            "x.partner_id",
            _columns(ResourceOpen, "partner", "opened_at"),
        ),
        (StageConfig._meta.db_table, str(ALL_PARTNERS), _columns(StageConfig, "target_days")),
    ]


def _mark(select: str) -> str:
    into = f"INSERT INTO {MARKS} (partner_id)"
    picked = f"SELECT DISTINCT p FROM ({select}) s WHERE p IS NOT NULL ORDER BY 1"  # noqa: S608
    return f"{into} {picked} {_SKIP};"


_SKIP = "ON CONFLICT DO NOTHING"


def _function(table: str, partner: str, columns: tuple[str, ...]) -> str:
    def row(alias: str) -> str:
        return "(" + ", ".join(f"{alias}.{c}" for c in columns) + ")"

    other = partner.replace("x.", "o.") if partner.startswith("x.") else None
    # An update marks the partner of the new row and, when it moved, of the old one — only
    # where a column the score reads changed.
    changed = f"{row('o')} IS DISTINCT FROM {row('x')}"
    both = "FROM new_rows x JOIN old_rows o ON o.id = x.id WHERE"
    updated = f"SELECT {partner} AS p {both} {changed}"
    if other:
        updated += f" UNION ALL SELECT {other} {both} {changed}"
    return f"""
CREATE OR REPLACE FUNCTION dashboard_health_mark_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_mark(f"SELECT {partner} AS p FROM new_rows x")}
  ELSIF TG_OP = 'UPDATE' THEN
    {_mark(updated)}
  ELSIF TG_OP = 'DELETE' THEN
    {_mark(f"SELECT {partner} AS p FROM old_rows x")}
  ELSE  -- TRUNCATE
    INSERT INTO {MARKS} (partner_id) VALUES ({ALL_PARTNERS}) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$
"""  # noqa: S608 — our SQL: table and column names from _meta


def install(cursor) -> None:
    """(Re)create the marking functions and their triggers."""
    for table, partner, columns in _sources():
        cursor.execute(_function(table, partner, columns))
        install_triggers(cursor, table, "dashboard_health", f"dashboard_health_mark_{table}")


def uninstall(cursor) -> None:
    for table, _partner, _columns_read in _sources():
        drop_triggers(cursor, table, "dashboard_health")
        cursor.execute(f"DROP FUNCTION IF EXISTS dashboard_health_mark_{table}()")


def _compute(now: datetime, only: list[int] | None) -> None:
    """Score `only` (every active partner when None) as of `now` and store it; a partner no
    longer active (or gone) loses its row. One statement."""
    columns = ", ".join(STORED)
    ctes = signals(now, only=only, with_due=True)
    ctes["upserted"] = f"""
        INSERT INTO {HEALTH} (partner_id, {columns}, computed_at)
        SELECT id, {columns}, {sql_timestamp(now)} FROM ranked ORDER BY id
        ON CONFLICT (partner_id) DO UPDATE SET
            {", ".join(f"{c} = EXCLUDED.{c}" for c in (*STORED, "computed_at"))}
        RETURNING partner_id"""  # noqa: S608 — our SQL
    scope = "TRUE" if only is None else "h.partner_id = ANY(%s)"
    with_ctes(
        ctes,
        f"""
        DELETE FROM {HEALTH} h WHERE {scope}
        AND NOT EXISTS (SELECT FROM upserted u WHERE u.partner_id = h.partner_id)
        RETURNING h.partner_id
        """,  # noqa: S608 — our SQL; the ids are a parameter
        [] if only is None else [only],
    )


def refresh(now: datetime) -> int:
    """Recompute the scores a write marked and those the clock made due by `now`; how many
    partners that was (0: nothing read but the two indexes)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH taken AS (DELETE FROM {MARKS} RETURNING partner_id)
            SELECT partner_id FROM taken
            UNION SELECT partner_id FROM {HEALTH} WHERE due_at <= %s
            """,  # noqa: S608 — table names from _meta
            [now],
        )
        due = {row[0] for row in cursor.fetchall()}
        if not due:
            return 0
        if ALL_PARTNERS in due or len(due) > FULL_PASS_ABOVE:
            _compute(now, None)
        else:
            _compute(now, sorted(due))
        return len(due)


def rebuild(now: datetime) -> None:
    """Install the triggers and score every active partner anew (migration, rebuild_rollups)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            install(cursor)
            cursor.execute(f"DELETE FROM {MARKS}")  # noqa: S608
        _compute(now, None)


def lowest(now: datetime, manager=None, limit: int = 15) -> dict:
    """metrics.health(now, manager, limit)'s answer, from the stored scores. A moment before the
    latest stored score is answered from the source rows (the stored ones may be newer)."""
    latest = PartnerHealth.objects.order_by("-computed_at").values_list("computed_at", flat=True)
    newest = latest.first()
    if newest is not None and newest > now:
        return health(now, manager, limit)
    refresh(now)
    rows = PartnerHealth.objects.order_by("score", "name", "partner_id")
    if manager is not None:
        rows = rows.filter(manager_id=manager.pk)
    found = [{**r, "id": r["partner_id"]} for r in rows.values()[:limit]]
    return shape(found, now)
