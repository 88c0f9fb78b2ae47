"""The metrics snapshot against registrations built for the test, at the quarter's edges and
in a time zone that is not UTC."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.partners.models import Stage
from apps.qbrs import metrics, quarters
from apps.qbrs.services import qbr_transition
from tests.factories import PartnerFactory, TaskFactory
from tests.qbrs.factories import ActionItemFactory, QBRFactory, registration

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def in_berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def test_it_bounds_quarters_at_local_midnight(in_berlin):
    start, end = quarters.bounds("2026-Q3")
    assert start == berlin(2026, 7, 1)
    assert end == berlin(2026, 10, 1)
    assert start.astimezone(UTC) == datetime.datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert quarters.shift("2026-Q4", 1) == "2027-Q1"
    assert quarters.shift("2026-Q1", -1) == "2025-Q4"
    assert quarters.label_for(datetime.datetime(2026, 9, 30, 22, 30, tzinfo=UTC)) == "2026-Q4"


@pytest.mark.parametrize("label", ["2026-Q5", "2026Q1", "", "abcd-Q1", "1999-Q1"])
def test_it_rejects_a_malformed_quarter(label):
    assert not quarters.is_valid(label)


def test_it_counts_the_quarters_registrations_from_its_first_to_its_last_local_moment(in_berlin):
    p = PartnerFactory(stage=Stage.EVALUATION)
    other = PartnerFactory(stage=Stage.GROWTH)
    q3_start, q3_end = berlin(2026, 7, 1), berlin(2026, 10, 1)
    second = datetime.timedelta(seconds=1)
    # Submitted: at the first local moment (22:00 UTC the day before) and the last one count;
    # a second earlier or at the next quarter's first moment does not.
    registration(p, submitted_at=q3_start)
    registration(p, submitted_at=q3_end - second)
    registration(p, submitted_at=q3_start - second)
    registration(p, submitted_at=q3_end)
    # Reviewed in the quarter after waiting 10, 20 and 60 hours (median 20); one reviewed before.
    for hours in (10, 20, 60):
        registration(
            p,
            status="rejected",
            submitted_at=berlin(2026, 8, 1, 9),
            reviewed_at=berlin(2026, 8, 1, 9) + datetime.timedelta(hours=hours),
        )
    registration(
        p, status="rejected", submitted_at=berlin(2026, 6, 1), reviewed_at=berlin(2026, 6, 3)
    )
    # Approved in the quarter and still open: pipeline (the EUR one has no exchange rate).
    registration(
        p,
        status="approved",
        value="1000",
        submitted_at=berlin(2026, 6, 20),
        approved_at=berlin(2026, 7, 2),
    )
    registration(
        p,
        status="approved",
        value="2500.50",
        submitted_at=berlin(2026, 7, 3),
        approved_at=berlin(2026, 7, 4),
    )
    registration(
        p,
        status="approved",
        value="700",
        currency="EUR",
        submitted_at=berlin(2026, 5, 3),
        approved_at=berlin(2026, 5, 4),
    )
    # Won and lost in the quarter; won value is the actual value, else the estimate.
    registration(
        p,
        status="won",
        value="4000",
        actual_value="5000",
        submitted_at=berlin(2026, 4, 1),
        approved_at=berlin(2026, 4, 2),
        closed_at=berlin(2026, 8, 10),
    )
    registration(
        p,
        status="won",
        value="3000",
        submitted_at=berlin(2026, 4, 1),
        approved_at=berlin(2026, 4, 2),
        closed_at=q3_end - second,
    )
    registration(
        p,
        status="won",
        value="9999",
        submitted_at=berlin(2026, 4, 1),
        approved_at=berlin(2026, 4, 2),
        closed_at=q3_end,
    )
    registration(
        p,
        status="lost",
        submitted_at=berlin(2026, 4, 1),
        approved_at=berlin(2026, 4, 2),
        closed_at=q3_start,
    )
    # Another partner's registrations never count.
    registration(other, status="won", value="50000", submitted_at=q3_start, closed_at=q3_start)
    TaskFactory(partner=p, done=False)
    TaskFactory(partner=p, done=False)
    TaskFactory(partner=p, done=True)
    now = berlin(2026, 10, 5, 12)
    qbr = QBRFactory(partner=p, quarter="2026-Q3", status="in_progress")
    ActionItemFactory(qbr=qbr, due_date=datetime.date(2026, 10, 4))
    ActionItemFactory(qbr=qbr, due_date=datetime.date(2026, 10, 5))  # due today: not overdue
    ActionItemFactory(qbr=qbr, due_date=datetime.date(2026, 9, 1), done=True)

    figures = metrics.figures_for(p, "2026-Q3", now)

    # submitted: the 2 edge ones + 3 reviewed + 1 approved on 3 July
    assert figures["submitted"] == 6
    assert figures["approved"] == 2
    assert figures["won"] == 2
    assert figures["lost"] == 1
    assert figures["won_value"] == "8000.00"
    assert figures["pipeline_value"] == "3500.50"
    assert figures["unconverted_currencies"] == ["EUR"]
    assert figures["win_rate"] == 66.7
    assert figures["median_review_hours"] == 20.0
    assert figures["tasks_open"] == 2
    assert figures["action_items_overdue"] == 1
    assert figures["currency"] == "USD"


def test_it_gives_empty_figures_for_a_quiet_quarter():
    p = PartnerFactory(stage=Stage.GROWTH)
    figures = metrics.figures_for(p, "2026-Q1", datetime.datetime(2026, 4, 2, tzinfo=UTC))
    assert figures["submitted"] == figures["won"] == 0
    assert figures["win_rate"] is None and figures["median_review_hours"] is None
    assert figures["won_value"] == "0.00"


def test_it_freezes_the_snapshot_at_completion_beside_the_previous_qbrs(bob, in_berlin):
    p = PartnerFactory(stage=Stage.GROWTH)
    registration(
        p,
        status="won",
        value="1000",
        submitted_at=berlin(2026, 4, 1),
        approved_at=berlin(2026, 4, 2),
        closed_at=berlin(2026, 5, 1),
    )
    first = QBRFactory(partner=p, quarter="2026-Q2", scheduled_for=berlin(2026, 6, 25, 10))
    qbr_transition(qbr=first, name="start", actor=bob, now=berlin(2026, 6, 25, 10))
    qbr_transition(
        qbr=first, name="complete", actor=bob, now=berlin(2026, 6, 25, 11), outcome="continue"
    )
    first.refresh_from_db()
    assert first.metrics["quarter"] == "2026-Q2"
    assert first.metrics["figures"]["won"] == 1
    assert first.metrics["figures"]["won_value"] == "1000.00"
    assert first.metrics["previous"] is None

    registration(
        p,
        status="won",
        value="2000",
        submitted_at=berlin(2026, 7, 1),
        approved_at=berlin(2026, 7, 2),
        closed_at=berlin(2026, 8, 1),
    )
    second = QBRFactory(partner=p, quarter="2026-Q3", scheduled_for=berlin(2026, 9, 25, 10))
    qbr_transition(qbr=second, name="start", actor=bob, now=berlin(2026, 9, 25, 10))
    qbr_transition(
        qbr=second, name="complete", actor=bob, now=berlin(2026, 9, 25, 11), outcome="continue"
    )
    second.refresh_from_db()
    assert second.metrics["figures"]["won_value"] == "2000.00"
    assert second.metrics["previous"]["qbr"] == first.pk
    assert second.metrics["previous"]["quarter"] == "2026-Q2"
    assert second.metrics["previous"]["figures"]["won_value"] == "1000.00"

    # Frozen: a registration won later in Q3 does not change the completed snapshot.
    registration(
        p,
        status="won",
        value="7000",
        submitted_at=berlin(2026, 7, 1),
        approved_at=berlin(2026, 7, 2),
        closed_at=berlin(2026, 9, 29),
    )
    second.refresh_from_db()
    assert second.metrics["figures"]["won_value"] == "2000.00"
    rows = {r["key"]: r for r in metrics.rows(second.metrics)}
    assert rows["won_value"]["previous"] == "1000.00" and rows["won_value"]["change"] == "up"


def test_it_converts_amounts_to_the_base_currency_at_the_quarters_rate():
    from decimal import Decimal

    from apps.program.models import ExchangeRate

    p = PartnerFactory(stage=Stage.GROWTH)
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.10"), effective_date=datetime.date(2026, 1, 1)
    )
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("2.00"), effective_date=datetime.date(2026, 10, 1)
    )
    closed = datetime.datetime(2026, 8, 1, tzinfo=UTC)
    registration(
        p, status="won", value="1000", currency="EUR", submitted_at=closed, closed_at=closed
    )
    registration(
        p, status="won", value="500", currency="USD", submitted_at=closed, closed_at=closed
    )
    registration(
        p, status="won", value="100", currency="GBP", submitted_at=closed, closed_at=closed
    )
    figures = metrics.figures_for(p, "2026-Q3", datetime.datetime(2026, 11, 1, tzinfo=UTC))
    # The Q3 rate (1.10), not October's; GBP has no rate and is named, not counted.
    assert figures["won_value"] == "1600.00"
    assert figures["unconverted_currencies"] == ["GBP"]
    assert figures["won"] == 3
