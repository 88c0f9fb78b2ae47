"""The review queue keeps its index in a prepared statement's generic plan (issue 24).

Statements are prepared on the server (settings: prepare_threshold), and after five runs on a
connection PostgreSQL may plan one generic plan for every value. With the status bound as a
parameter that plan cannot use deal_waiting_idx (a partial index of the waiting ones): the
queue's page sorted every registration instead, its cost growing with the table (the quick
benchmark's scale ratio 1.99). The status is now written into the SQL (Constant)."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.core.postgresql.expressions import Constant
from apps.deals.filters import review_queue
from apps.deals.models import DealRegistration, Status
from apps.deals.selectors import with_pending_extension
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def generic_plan(qs) -> str:
    """EXPLAIN of the queryset's statement prepared with its parameters as $n and planned
    generically, as a connection plans a statement it has run more than five times."""
    sql, params = qs.query.sql_with_params()
    placeholders = tuple(f"${i + 1}" for i in range(len(params)))
    values = connection.ops.compose_sql(", ".join(["%s"] * len(params)), params)
    with connection.cursor() as cursor:
        cursor.execute("PREPARE queue_statement AS " + sql % placeholders)
        try:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            execute = f"EXECUTE queue_statement({values})" if params else "EXECUTE queue_statement"
            cursor.execute("EXPLAIN " + execute)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL plan_cache_mode = auto")
            cursor.execute("DEALLOCATE queue_statement")


@pytest.fixture
def handled(acme):
    """Many decided registrations and a few waiting, with fresh planner statistics."""
    DealRegistration.objects.bulk_create(RegistrationFactory.build_batch(400, partner=acme))
    DealRegistration.objects.update(status=Status.REJECTED)
    RegistrationFactory.create_batch(3, partner=acme)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_dealregistration")


def test_the_queue_page_and_its_count_use_the_waiting_index_in_a_generic_plan(handled):
    page = with_pending_extension(review_queue({}))
    assert "deal_waiting_idx" in generic_plan(page[:50])
    assert "deal_waiting_idx" in generic_plan(page.order_by())  # the paginator's count's rows
    assert page.count() == 3


def test_a_bound_status_would_lose_the_index_in_a_generic_plan(handled):
    """What the Constant is for: the same filter with the status as a parameter."""
    bound = DealRegistration.objects.filter(status=Status.SUBMITTED).order_by("submitted_at", "id")
    assert "deal_waiting_idx" not in generic_plan(bound[:50])
    written = DealRegistration.objects.filter(status=Constant(Status.SUBMITTED))
    assert "deal_waiting_idx" in generic_plan(written.order_by("submitted_at", "id")[:50])
