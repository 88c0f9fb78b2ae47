"""PostgreSQL only: the dashboard's aggregates over deal registrations read the indexes of
dashboard migration 0001, not the whole table.

The table is filled with four years of registrations (a 90-day period is a few per cent of it),
vacuumed and analyzed as autovacuum keeps a live table, and the SQL the metric functions really
send is captured and EXPLAINed. Then each index is dropped in turn (inside a transaction that
rolls back) to show the check notices: the queries it served fall back to scanning the table
(the reviewed-at and closed-at ones) or to reading a whole index that does not bound them by
the period (the others).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.dashboard import metrics
from apps.deals.models import DealRegistration
from apps.partners.models import Partner
from apps.program.models import ExchangeRate, PartnerType

pytestmark = []

TABLE = DealRegistration._meta.db_table
ROWS = 60_000
PARTNERS = 300
YEARS = 4


def _index_names() -> list[str]:
    from importlib import import_module

    first = import_module("apps.dashboard.migrations.0001_deal_dashboard_indexes").INDEXES
    swap = import_module("apps.dashboard.migrations.0002_pipeline_index_by_currency")
    return [swap.NEW[0] if name == swap.OLD[0] else name for name in first]


def _fill(now) -> None:
    """ROWS registrations submitted evenly over YEARS years up to `now`, across PARTNERS active
    partners, in the mix of a real program: mostly decided and closed, a few per cent approved
    now, the last few days' still waiting. One INSERT … SELECT, then VACUUM ANALYZE."""
    kind = PartnerType.objects.order_by("pk").first()
    stages = ["growth", "evaluation", "expansion", "onboarding"]
    Partner.objects.bulk_create(
        Partner(
            name=f"Scale Partner {i:04d}",
            partner_type=kind,
            stage=stages[i % len(stages)],
            stage_entered_at=now - timedelta(days=30 + i % 200),
            onboarding_started_at=now - timedelta(days=400 + i),
        )
        for i in range(PARTNERS)
    )
    ids = list(Partner.objects.order_by("pk").values_list("pk", flat=True))
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base="1.10", effective_date=now.date() - timedelta(days=3000)
    )
    span_seconds = YEARS * 365 * 86400
    # Status by row number: 1 in 20 approved now, 2 won, 1 lost, 1 rejected, 1 withdrawn, the
    # rest expired — except the newest rows (under two days old), still waiting for review.
    sql = f"""
        WITH g AS (
            SELECT i,
                   %(ids)s::bigint[] AS ids,
                   %(now)s::timestamptz - make_interval(secs => i * %(step)s) AS sub
            FROM generate_series(1, %(rows)s) AS i
        ), s AS (
            SELECT i, ids, sub,
                   CASE
                       WHEN sub > %(now)s::timestamptz - interval '2 days' THEN 'submitted'
                       WHEN i %% 20 = 0 THEN 'approved'
                       WHEN i %% 20 IN (1, 2) THEN 'won'
                       WHEN i %% 20 = 3 THEN 'lost'
                       WHEN i %% 20 = 4 THEN 'rejected'
                       WHEN i %% 20 = 5 THEN 'withdrawn'
                       ELSE 'expired'
                   END AS status
            FROM g
        )
        INSERT INTO {TABLE} (
            id, partner_id, status, customer_name, customer_name_key, customer_domain,
            customer_country, contact_name, contact_email, product, estimated_value, currency,
            expected_close_date, description, submitted_at, reviewed_at, approved_at, expires_at,
            extensions_used, rejection_reason, actual_value, lost_reason, closed_at, sla_notified
        )
        SELECT
            i, ids[1 + i %% array_length(ids, 1)], status,
            'Customer ' || i, 'customer ' || i, 'customer' || i || '.example',
            'US', 'Jordan Buyer', 'jordan@customer' || i || '.example', 'Analytics suite',
            1000 + i %% 997, CASE WHEN i %% 3 = 0 THEN 'EUR' ELSE 'USD' END,
            (sub + interval '60 days')::date, '', sub,
            CASE WHEN status IN ('submitted', 'withdrawn') THEN NULL
                 ELSE sub + interval '1 day' END,
            CASE WHEN status IN ('approved', 'won', 'lost', 'expired')
                 THEN sub + interval '1 day' END,
            CASE WHEN status IN ('approved', 'won', 'lost', 'expired')
                 THEN sub + interval '91 days' END,
            0, CASE WHEN status = 'rejected' THEN 'No.' ELSE '' END,
            CASE WHEN status = 'won' THEN 900 + i %% 997 END, '',
            CASE WHEN status IN ('won', 'lost', 'expired') THEN sub + interval '45 days' END,
            0
        FROM s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": ids, "now": now, "step": span_seconds / ROWS, "rows": ROWS})
        # Statistics from every row, not ANALYZE's random sample (30,000 rows at the default
        # target), and no autovacuum re-sampling them under the test (see below): the same
        # plans on every run.
        cursor.execute("SET default_statistics_target = 1000")
        for table in (TABLE, Partner._meta.db_table, ExchangeRate._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("RESET default_statistics_target")


# The index each statement that reads the registrations must use, figure by figure, in the order
# the metric functions send them (a tuple: one statement reading through each of them).
SUBMITTED, APPROVED = "dash_deal_submitted_idx", "dash_deal_approved_idx"
REVIEWED, CLOSED = "dash_deal_reviewed_idx", "dash_deal_closed_idx"
PIPELINE, RAMP = "dash_deal_pipeline_cur_idx", "dash_deal_partner_approved_idx"
INTENDED = {
    "registrations": [
        SUBMITTED,  # submitted per week
        APPROVED,  # approved per week
        REVIEWED,  # rejected per week
        REVIEWED,  # review time percentiles, how many reviewed and how many late
        "deal_waiting_idx",  # waiting now and SLA breaches (the deals app's index)
        CLOSED,  # won and lost in the period (win rate)
    ],
    "money": [
        (PIPELINE, CLOSED),  # approved pipeline and won value by partner, ranked, and by tier
    ],
    "health": [
        # activity (registrations of the last 90 days) and closings of the last 12 months, by
        # partner, in the statement that scores and ranks every active partner
        (SUBMITTED, CLOSED),
        "deal_partner_recent_idx",  # the shown partners' last registration (the deals app's)
    ],
    "onboarding": [
        RAMP,  # ramp time: each partner's first approval after its onboarding began
    ],
}


def _dashboard_sql(now) -> dict[str, list[str]]:
    """The statements each figure really sends that read the registrations."""
    figures = {
        "registrations": lambda: metrics.registrations(now, 90),
        "money": lambda: metrics.money(now, 90),
        "health": lambda: metrics.health(now),
        "onboarding": lambda: metrics.onboarding(now, 90),
    }
    found = {}
    for name, compute in figures.items():
        with CaptureQueriesContext(connection) as ctx:
            compute()
        found[name] = [q["sql"] for q in ctx.captured_queries if f'"{TABLE}"' in q["sql"]]
    return found


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _indexes(plan: str) -> set[str]:
    """The indexes a plan reads the registrations through."""
    scans = re.findall(rf"Scan (?:Backward )?using (\w+) on {TABLE}\b", plan)
    bitmaps = re.findall(r"Bitmap Index Scan on (\w+)", plan)  # names the index only
    return {*scans, *bitmaps}


def _check(statements: dict[str, list[str]]) -> None:
    """Each statement reads its intended index and never scans the registrations table; one
    AssertionError lists every statement that does not."""
    wrong = []
    for figure, intended in INTENDED.items():
        sent = statements[figure]
        assert len(sent) == len(intended), (figure, [sql[:200] for sql in sent])
        for n, (sql, index) in enumerate(zip(sent, intended, strict=True), 1):
            plan = _plan(sql)
            wanted = set(index) if isinstance(index, tuple) else {index}
            if f"Seq Scan on {TABLE}" in plan or not wanted <= _indexes(plan):
                wrong.append(f"{figure} statement {n}, meant for {index}:\n{sql}\n{plan}")
    assert not wrong, "\n\n".join(wrong)


@pytest.fixture
def _no_autovacuum(transactional_db):
    """Autovacuum analyzes a table that has just had 60,000 rows written, with a random sample,
    at a moment of its choosing: with it the plans of this small table could flip between two
    equally cheap indexes from one run to the next."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} SET (autovacuum_enabled = false)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_enabled)")


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_aggregates_read_their_indexes_not_the_table(_no_autovacuum):
    now = timezone.now()
    _fill(now)
    statements = _dashboard_sql(now)

    _check(statements)

    # Without any one of the dashboard's indexes the check fails: each is needed, and the
    # check would notice a migration that lost one.
    for index in _index_names():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {index}")
            with pytest.raises(AssertionError, match=index):
                _check(statements)
            transaction.set_rollback(True)
    _check(statements)  # all back
