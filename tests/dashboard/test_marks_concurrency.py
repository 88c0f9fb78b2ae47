"""A write that marks a partner for the health and money stores never waits for another
transaction that marked the same partner — neither another writer nor a refresh taking the
marks. With one mark row per partner (INSERT … ON CONFLICT), the second writer waited until the
first committed: registrations of one partner were serialized from their first write to their
commit, and every write of a partner waited for a running refresh.

Two real connections: the test's own (Django's, in an open transaction) and a second one with a
lock timeout, which fails instead of waiting."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.dashboard import health, money
from apps.dashboard.models import HealthMark, MoneyMark
from tests.factories import PartnerFactory
from tests.qbrs.factories import registration

pytestmark = pytest.mark.django_db(transaction=True)


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    conn = psycopg.connect(
        dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"], password=s["PASSWORD"]
    )
    conn.execute("SET lock_timeout = '2s'")
    return conn


@pytest.fixture
def two_registrations():
    acme = PartnerFactory(name="Acme Resellers", stage="growth")
    now = timezone.now()
    first = registration(acme, status="submitted", submitted_at=now)
    second = registration(acme, status="submitted", submitted_at=now)
    health.refresh(now)
    money.refresh(now)
    return acme, first, second


def _approve_elsewhere(registration_id: int) -> None:
    """The other connection writes a column both stores read; it raises LockNotAvailable if
    it had to wait past the lock timeout."""
    with _other_connection() as other:
        other.execute(
            "UPDATE deals_dealregistration SET status = 'approved' WHERE id = %s",
            [registration_id],
        )
        other.commit()


def test_two_writers_marking_one_partner_do_not_wait_for_each_other(two_registrations):
    acme, first, second = two_registrations
    with transaction.atomic():
        type(first).objects.filter(pk=first.pk).update(status="approved")
        assert HealthMark.objects.filter(partner_id=acme.pk).exists()  # marked, not committed
        _approve_elsewhere(second.pk)
    marks = list(MoneyMark.objects.filter(partner_id=acme.pk).values_list("partner_id", flat=True))
    assert marks == [acme.pk, acme.pk]  # both writes' marks kept, taken at once by a refresh
    assert money.refresh(timezone.now()) == 1


def test_a_writer_does_not_wait_for_a_refresh_taking_the_partner_s_mark(two_registrations):
    acme, first, second = two_registrations
    type(first).objects.filter(pk=first.pk).update(status="approved")
    with transaction.atomic():
        assert health.refresh(timezone.now()) == 1  # took acme's mark; not committed yet
        assert money.refresh(timezone.now()) == 1
        _approve_elsewhere(second.pk)
    # The write committed during the refresh marked acme again: the next refresh takes it.
    assert set(HealthMark.objects.values_list("partner_id", flat=True)) == {acme.pk}
    assert health.refresh(timezone.now()) == 1
