"""The seeder among random ids: it numbers its own rows below the random range and asks no
sequence of a model that has none."""

from __future__ import annotations

import pytest

from apps.core.ids import MAX_ID
from apps.deals.models import DealRegistration
from apps.partners.models import Partner, Task
from apps.qbrs.models import QBR
from bench.seed import SEEDED_ID_CEILING, main
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_next_to_rows_with_random_ids(acme):
    TaskFactory(partner=acme, title="made by the app", id=MAX_ID)  # the top of the random range
    main(["--partners", "12", "--registrations", "200"])
    assert DealRegistration.objects.count() == 200
    assert QBR.objects.exists()
    seeded = Task.objects.exclude(pk=MAX_ID)
    assert seeded.exists()
    assert Task.objects.filter(pk=MAX_ID, title="made by the app").exists()
    assert not DealRegistration.objects.filter(pk__gte=SEEDED_ID_CEILING).exists()
    # The app's own rows keep drawing random ids afterwards.
    task = TaskFactory(partner=Partner.objects.exclude(pk=acme.pk).first(), title="after")
    assert task.pk != max(seeded.values_list("pk", flat=True)) + 1
