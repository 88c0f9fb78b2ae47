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

from apps.deals.models import DealRegistration
from apps.enablement.models import Certification, ResourceOpen
from apps.leads.models import Assignment
from apps.partners.models import Partner, Task
from apps.program.models import StageConfig
from apps.qbrs.models import QBR, ActionItem

from .metrics.health_score import health, shape, signals
from .models import ALL_PARTNERS, HealthMark, PartnerHealth
from .stores import Source, Store, columns_of

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
)


def _sources() -> list[Source]:
    """(table, the partner id of a row `x` in SQL, the columns the score reads)."""
    qbrs = QBR._meta.db_table
    return [
        (
            DealRegistration._meta.db_table,
            "x.partner_id",
            columns_of(DealRegistration, "partner", "submitted_at", "status", "closed_at"),
        ),
        (
            Partner._meta.db_table,
            "x.id",
            columns_of(Partner, "stage", "stage_entered_at", "name", "manager"),
        ),
        (
            Task._meta.db_table,
            "x.partner_id",
            columns_of(Task, "partner", "stage", "stage_visit", "due_date", "done"),
        ),
        (
            qbrs,
            "x.partner_id",
            columns_of(QBR, "partner", "status", "satisfaction_score", "completed_at"),
        ),
        (
            ActionItem._meta.db_table,
            f"(SELECT q.partner_id FROM {qbrs} q WHERE q.id = x.qbr_id)",  # noqa: S608 — _meta
            columns_of(ActionItem, "qbr", "due_date", "done"),
        ),
        (
            Assignment._meta.db_table,
            "x.partner_id",
            columns_of(Assignment, "partner", "assigned_at", "outcome"),
        ),
        (
            Certification._meta.db_table,
            "x.partner_id",
            columns_of(Certification, "partner", "user", "status", "earned_at", "expires_at"),
        ),
        (
            ResourceOpen._meta.db_table,
            "x.partner_id",
            columns_of(ResourceOpen, "partner", "opened_at"),
        ),
        (StageConfig._meta.db_table, str(ALL_PARTNERS), columns_of(StageConfig, "target_days")),
    ]


STORE = Store(
    name="health",
    rows=PartnerHealth,
    marks=HealthMark,
    stored=STORED,
    sources=_sources,
    statement=lambda now, only: signals(now, only=only, with_due=True),
)
install = STORE.install
uninstall = STORE.uninstall
refresh = STORE.refresh
rebuild = STORE.rebuild


def lowest(now: datetime, manager=None, limit: int = 15) -> dict:
    """metrics.health(now, manager, limit)'s answer, from the stored scores. A moment before the
    latest stored score is answered from the source rows (the stored ones may be newer)."""
    if STORE.stored_after(now):
        return health(now, manager, limit)
    refresh(now)
    rows = PartnerHealth.objects.order_by("score", "name", "partner_id")
    if manager is not None:
        rows = rows.filter(manager_id=manager.pk)
    found = [{**r, "id": r["partner_id"]} for r in rows.values()[:limit]]
    return shape(found, now)
