"""The objects partners see are numbered at random (apps/core/ids.py): their ids tell nothing of
how much the rest of the program did in between, and stay integers JavaScript reads exactly."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, models

from apps.agreements.models import Agreement
from apps.core import ids
from apps.core.ids import MAX_ID, RandomIdModel, random_id
from apps.deals.models import DealRegistration, ExtensionRequest
from apps.notifications.models import Notification
from apps.partners.models import Task
from apps.qbrs.models import QBR, ActionItem
from apps.tiers.models import TierProposal
from tests.factories import TaskFactory

SEEN_BY_PARTNERS = [
    DealRegistration,
    ExtensionRequest,
    Notification,
    Agreement,
    QBR,
    ActionItem,
    Task,
    TierProposal,
]


def test_it_draws_ids_javascript_reads_exactly():
    drawn = {random_id() for _ in range(10_000)}
    assert len(drawn) == 10_000
    assert all(0 < i <= MAX_ID == 2**53 - 1 for i in drawn)
    assert max(drawn) > 2**50  # spread over the range, not counting up


@pytest.mark.parametrize("model", SEEN_BY_PARTNERS)
def test_the_objects_partners_see_take_a_random_integer_id(model):
    pk = model._meta.pk
    assert issubclass(model, RandomIdModel)
    assert isinstance(pk, models.BigIntegerField) and not isinstance(pk, models.AutoField)
    assert pk.default is random_id


@pytest.mark.django_db
@pytest.mark.parametrize("model", SEEN_BY_PARTNERS)
def test_the_database_keeps_no_sequence_for_them(model):
    """The migration dropped the identity: nothing in the database counts rows any more."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_identity, column_default, data_type FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = 'id'",
            [model._meta.db_table],
        )
        assert cursor.fetchone() == ("NO", None, "bigint")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        assert cursor.fetchone() == (None,)


@pytest.mark.django_db
def test_new_rows_do_not_count_up(acme):
    tasks = [TaskFactory(partner=acme, title=f"t{n}") for n in range(20)]
    pks = [t.pk for t in tasks]
    assert pks != sorted(pks)
    assert all(0 < pk <= MAX_ID for pk in pks)
    assert Task.objects.filter(pk__in=pks).count() == 20


@pytest.mark.django_db
def test_a_drawn_id_already_taken_draws_again_once(acme, monkeypatch):
    first = TaskFactory(partner=acme, title="first")
    fresh = random_id()
    monkeypatch.setattr(ids, "random_id", lambda: fresh)
    second = TaskFactory.build(partner=acme, title="second", id=first.pk)  # as if drawn twice
    second.save()
    assert second.pk == fresh
    assert Task.objects.get(pk=first.pk).title == "first"
    assert Task.objects.get(pk=fresh).title == "second"


@pytest.mark.django_db
def test_other_integrity_errors_are_not_retried(acme, charlie):
    Notification.objects.create(recipient=charlie, kind="k", subject="s", key="same")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=charlie, kind="k", subject="s", key="same")
