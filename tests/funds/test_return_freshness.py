"""The dashboard's return on funds is kept until something it reads changes (apps/funds/
freshness.py): the triggers move the token on every write the return reads — and on no other —
and the part computed again after such a write equals a computation from scratch."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.funds import freshness, sections
from apps.funds.models import FundRequest
from apps.funds.services.attribution import attribute
from apps.leads.models import Lead
from apps.program.models import ExchangeRate, ProgramSettings
from tests.leads.factories import LeadFactory
from tests.qbrs.factories import registration

from .factories import allocation, request_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(acme, bob):
    """An approved activity of 1,000 credited with a won registration of 4,000 and a lead
    converted into an approved one; and a registration credited to nothing."""
    now = timezone.now()
    cache.clear()
    activity = request_in("approved", allocation(acme), amount="1000", manager=bob)
    won = registration(acme, status="won", value="4000", submitted_at=now, closed_at=now)
    attribute("registration", won, activity.pk, partner_id=acme.pk, actor=bob)
    converted = registration(acme, status="approved", value="500", submitted_at=now)
    lead = LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(registration=converted)
    attribute("lead", lead, activity.pk, partner_id=None, actor=bob)
    other = registration(acme, status="submitted", value="700", submitted_at=now)
    return {
        "activity": activity,
        "won": won,
        "converted": converted,
        "lead": lead,
        "other": other,
    }


def _moves(write) -> bool:
    before = freshness.RETURN.token()
    write()
    return freshness.RETURN.token() != before


def _won(part) -> Decimal:
    return part[1]["total"].won


WRITES = {
    "a credited registration": (
        True,
        lambda f: DealRegistration.objects.filter(pk=f["won"].pk).update(actual_value=5000),
    ),
    "a registration credited through its lead": (
        True,
        lambda f: DealRegistration.objects.filter(pk=f["converted"].pk).update(status="won"),
    ),
    "a registration credited to nothing": (
        False,
        lambda f: DealRegistration.objects.filter(pk=f["other"].pk).update(status="approved"),
    ),
    "a lead credited to an activity": (
        True,
        lambda f: Lead.objects.filter(pk=f["lead"].pk).update(registration=None),
    ),
    "a lead credited to nothing": (
        False,
        lambda f: LeadFactory(),
    ),
    "the activity": (
        True,
        lambda f: FundRequest.objects.filter(pk=f["activity"].pk).update(actual_cost=800),
    ),
    "an exchange rate": (
        True,
        lambda f: ExchangeRate.objects.create(
            currency="EUR", rate_to_base=Decimal("1.1"), effective_date=timezone.localdate()
        ),
    ),
    "the program's settings": (True, lambda f: ProgramSettings.get().save()),
}


@pytest.mark.parametrize("what", WRITES)
def test_a_write_moves_the_token_only_when_the_return_reads_what_it_wrote(funded, what):
    moves, write = WRITES[what]
    assert _moves(lambda: write(funded)) is moves


def test_the_part_is_kept_across_unrelated_writes_and_computed_again_after_a_credited_one(
    funded,
):
    now = timezone.now()
    first = sections.dashboard(now)
    assert _won(first) == Decimal("4000.00")

    DealRegistration.objects.filter(pk=funded["other"].pk).update(status="approved")
    with CaptureQueriesContext(connection) as kept:
        again = sections.dashboard(now)
    assert _won(again) == Decimal("4000.00")
    assert not [q for q in kept.captured_queries if "funds_attribution" in q["sql"]]
    assert len(kept.captured_queries) == 2  # the token, and the pruning of older moves

    DealRegistration.objects.filter(pk=funded["won"].pk).update(actual_value=6000)
    computed = sections.dashboard(now)
    assert _won(computed) == Decimal("6000.00")
    cache.clear()
    assert _won(sections.dashboard(now)) == _won(computed)  # the same from scratch


def test_a_new_day_computes_the_part_again(funded):
    now = timezone.now()
    sections.dashboard(now)
    with CaptureQueriesContext(connection) as next_day:
        sections.dashboard(now + timedelta(days=1))
    assert [q for q in next_day.captured_queries if "funds_attribution" in q["sql"]]
