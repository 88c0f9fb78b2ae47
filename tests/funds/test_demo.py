"""`make run`'s demo funds: a period with allocations and requests in most states, balances
equal to the ledger."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.funds.models import FundAllocation, FundPeriod, FundRequest
from apps.funds.selectors import ledger_balances, return_on_funds

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_period_with_allocations_and_requests_in_many_states(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    assert FundPeriod.objects.count() == 1
    assert FundAllocation.objects.count() == 2
    states = set(FundRequest.objects.values_list("status", flat=True))
    assert states == {
        "draft", "submitted", "returned", "approved", "claimed", "paid", "rejected",
    }  # fmt: skip
    for alloc in FundAllocation.objects.all():
        assert ledger_balances([alloc.pk])[alloc.pk]["committed"] == alloc.committed
    # Registrations and a lead name the activities: the return shows real figures.
    returns = return_on_funds(FundRequest.objects.all(), today=timezone.localdate())
    summit = FundRequest.objects.get(title="Partner summit booth")
    assert returns.by_request[summit.pk].won > 0 and returns.by_request[summit.pk].ratio
    assert returns.total.pipeline > returns.total.won and returns.total.leads >= 1
