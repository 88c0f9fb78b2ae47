"""PostgreSQL with parameters bound by the server and statements prepared (settings:
DATABASE_PREPARED_STATEMENTS): a statement run again on a connection is not planned again, and
bulk writes and `__in` lists beyond the protocol's 65,535 parameters per statement still work
(apps/core/postgresql)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.notifications.models import Notification
from apps.partners.models import Partner
from apps.program.models import ExchangeRate
from tests.factories import PartnerFactory, PartnerUserFactory

pytestmark = [
    pytest.mark.django_db,
]

ROWS = 22_000  # four values each to insert (88,000), three each to update (66,000)


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_statement_run_again_is_prepared_on_the_server():
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    for _ in range(3):
        assert Partner.objects.filter(name="prepared?").count() == 0
    assert any('"partners_partner"."name" = $1' in sql for sql in _prepared())


def test_bulk_writes_beyond_one_statements_parameters_are_split():
    first = date(1990, 1, 1)
    rates = [
        ExchangeRate(
            currency="EUR", rate_to_base=Decimal("1.1"), effective_date=first + timedelta(i)
        )
        for i in range(ROWS)
    ]
    ExchangeRate.objects.bulk_create(rates)
    assert ExchangeRate.objects.filter(currency="EUR").count() == ROWS

    saved = list(ExchangeRate.objects.filter(currency="EUR"))
    for rate in saved:
        rate.rate_to_base = Decimal("1.2")
    ExchangeRate.objects.bulk_update(saved, ["rate_to_base"])
    assert not ExchangeRate.objects.exclude(rate_to_base=Decimal("1.2")).exists()

    # the upsert the tier evaluation writes its standings with
    again = [
        ExchangeRate(currency="EUR", rate_to_base=Decimal("1.3"), effective_date=r.effective_date)
        for r in saved
    ]
    ExchangeRate.objects.bulk_create(
        again,
        update_conflicts=True,
        unique_fields=["currency", "effective_date"],
        update_fields=["rate_to_base"],
    )
    assert ExchangeRate.objects.count() == ROWS
    assert not ExchangeRate.objects.exclude(rate_to_base=Decimal("1.3")).exists()


def test_in_lists_beyond_one_statements_parameters_are_one_array():
    partner = PartnerFactory()
    user = PartnerUserFactory(partner=partner)
    many = list(range(partner.pk + 1, partner.pk + 70_001))
    with CaptureQueriesContext(connection) as queries:
        assert Partner.objects.filter(pk__in=[*many, partner.pk, None]).get() == partner
        assert list(User.objects.filter(partner__in=[*many, partner.pk])) == [user]
        assert list(User.objects.filter(partner_id__in={*many, partner.pk})) == [user]
        assert not Notification.objects.filter(key__in=[f"k{i}" for i in many]).exists()
        assert Partner.objects.exclude(pk__in=many).filter(pk=partner.pk).exists()
    assert all("= ANY(" in q["sql"] and " IN (" not in q["sql"] for q in queries.captured_queries)

    # Short lists and subqueries are Django's own SQL.
    with CaptureQueriesContext(connection) as queries:
        assert Partner.objects.filter(pk__in=[partner.pk, 0]).count() == 1
        assert User.objects.filter(partner__in=Partner.objects.filter(pk=partner.pk)).count() == 1
    assert all(" IN (" in q["sql"] and "ANY" not in q["sql"] for q in queries.captured_queries)
