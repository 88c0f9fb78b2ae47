"""The dashboard never contradicts itself: on data with known answers, the cards agree with each
other — the loop counts with the conversion table, totals with the sum of their parts, and each
quarter of the quarter-over-quarter view with the period figures for that quarter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.dashboard import metrics, periods, snapshot
from apps.partners.models import StageHistory
from apps.program.models import ExchangeRate
from tests.dashboard.conftest import NOW, moved, partner
from tests.factories import PartnerFactory
from tests.qbrs.factories import registration

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def program(targets, settings):
    """Five partners through the growth ⇄ evaluation loop, and registrations in the first and
    second quarters of 2026 (NOW is 15 June 2026, noon UTC)."""
    settings.DASHBOARD_CACHE_SECONDS = 0  # computed, not kept: the figures themselves
    p1 = partner("growth", name="P1 looped")
    moved(p1, "growth", "evaluation", 40)
    moved(p1, "evaluation", "growth", 30)  # an evaluation begun in the period, back to growth
    p2 = partner("expansion", name="P2 expanding")
    moved(p2, "growth", "evaluation", 20)
    moved(p2, "evaluation", "expansion", 10)
    p3 = partner("evaluation", name="P3 evaluating")
    moved(p3, "growth", "evaluation", 15)
    p4 = partner("growth", name="P4 old evaluation")
    moved(p4, "growth", "evaluation", 200)  # begun before the period
    moved(p4, "evaluation", "growth", 25)  # …ended in it: not a loop of the period's evaluations
    p5 = partner("exited", name="P5 exited")
    moved(p5, "growth", "evaluation", 50)
    moved(p5, "evaluation", "exited", 45)

    ExchangeRate.objects.create(currency="EUR", rate_to_base="1.5", effective_date=date(2026, 1, 1))
    ExchangeRate.objects.create(currency="EUR", rate_to_base="2.0", effective_date=date(2026, 5, 1))
    # First quarter: 4 submitted, 3 approved (2000 + 1000 + 1000 estimated), 1 won (1200), 1 lost.
    registration(p1, status="rejected", submitted_at=at(1, 10), reviewed_at=at(1, 11))
    registration(p1, status="approved", value="2000", submitted_at=at(2, 10), approved_at=at(2, 11))
    registration(
        p1,
        status="won",
        value="1000",
        actual_value="1200",
        submitted_at=at(2, 1),
        approved_at=at(2, 2),
        closed_at=at(3, 20),
    )
    registration(
        p1,
        status="lost",
        submitted_at=at(3, 31, 23, 0),
        approved_at=at(3, 31, 23, 10),
        closed_at=at(3, 31, 23, 30),
    )
    # Second quarter to NOW: 4 submitted, 3 approved (3000 EUR and 1000 EUR at today's 2.0,
    # 500 USD: 8500), 2 won (1000 EUR at April's 1.5 + 500 USD = 2000), none lost.
    registration(
        p2,
        status="approved",
        currency="EUR",
        value="3000",
        submitted_at=at(4, 1, 0, 30),
        approved_at=at(4, 2),
    )
    registration(
        p2,
        status="won",
        currency="EUR",
        value="1000",
        submitted_at=at(4, 10),
        approved_at=at(4, 11),
        closed_at=at(4, 20),
    )
    registration(
        p3,
        status="won",
        value="500",
        submitted_at=at(6, 1),
        approved_at=at(6, 1, 13),
        closed_at=at(6, 15, 9),
    )
    registration(p3, submitted_at=at(6, 15, 9))
    return {"p1": p1, "p4": p4}


def figures(key: str) -> dict:
    return snapshot.figures(NOW, periods.resolve(key, NOW), None)


def test_the_loop_counts_are_the_conversion_tables(program):
    shown = figures("90")
    funnel, qbrs = shown["funnel"], shown["qbrs"]
    evaluation = next(row for row in funnel["stages"] if row["stage"] == "evaluation")
    to = {m["to"]: m["n"] for m in evaluation["moves"]}
    assert (evaluation["entered"], to, evaluation["exited"], evaluation["still"]) == (
        4,
        {"growth": 1, "expansion": 1},
        1,
        1,
    )
    loops = next(s for s in funnel["steps"] if (s["from"], s["to"]) == ("evaluation", "growth"))
    assert loops["moved"] == to["growth"] == 1
    # The per-partner table: P4's return to growth ends an evaluation begun long before.
    per_partner = {r["name"]: (r["total"], r["in_period"]) for r in qbrs["top_loops"]}
    assert per_partner == {"P1 looped": (1, 1), "P4 old evaluation": (1, 0)}
    assert sum(in_period for _total, in_period in per_partner.values()) == loops["moved"]


def test_each_stage_is_listed_once_and_its_stays_add_up(program):
    stages = figures("90")["funnel"]["stages"]
    assert [row["stage"] for row in stages] == [
        "recruitment",
        "onboarding",
        "growth",
        "evaluation",
        "expansion",
    ]
    for row in stages:
        parts = row["moved"] + row["exited"] + row["still"] + row["elsewhere"]
        assert row["entered"] == parts, row
        assert row["elsewhere"] == 0


def test_the_page_shows_the_loops_the_table_shows(targets, client_for, bob):
    now = timezone.now()
    for n in range(3):  # three evaluations begun and ended in the period, back to growth
        p = PartnerFactory(stage="growth", name=f"Looper {n}")
        for days, (from_stage, to_stage) in (
            (30, ("growth", "evaluation")),
            (20, ("evaluation", "growth")),
        ):
            StageHistory.objects.create(
                partner=p, transition="t", from_stage=from_stage, to_stage=to_stage,
                at=now - timedelta(days=days + n),
            )  # fmt: skip
    html = client_for(bob).get("/").content.decode()

    card = html.split('id="kpi-loops">', 1)[1].split("<", 1)[0]
    row = html.split('data-stage="evaluation"', 1)[1].split("</tr>", 1)[0]
    growth = row.split('data-to="growth">', 1)[1].split("<", 1)[0]
    assert card == "3" and growth == "Growth 3"
    assert html.count('data-stage="evaluation"') == 1


def test_totals_are_the_sums_of_their_parts(program):
    shown = figures("quarter")
    regs, money = shown["regs"], shown["money"]
    for key in ("submitted", "approved", "rejected"):
        assert regs["totals"][key] == sum(w[key] for w in regs["weeks"])
    assert money["pipeline"] == sum(t["pipeline"] for t in money["by_tier"])
    assert money["won"] == sum(t["won"] for t in money["by_tier"])
    assert money["won"] == sum(p["won"] for p in money["by_partner"])  # all partners shown
    assert money["won_deals"] == regs["won"]
    assert money["pipeline"] == Decimal("8000.00")  # approved now: 2000 + 3000 EUR × 2.0


@pytest.mark.parametrize(
    ("key", "label", "known"),
    [
        ("quarter", "2026 Q2", (4, 3, Decimal("8500.00"), Decimal("2000.00"), 100.0)),
        ("last-quarter", "2026 Q1", (4, 3, Decimal("4000.00"), Decimal("1200.00"), 50.0)),
    ],
)
def test_a_quarter_over_quarter_column_is_the_period_of_that_quarter(program, key, label, known):
    quarters = {q["label"]: q for q in figures(periods.QUARTERS)["quarters"]["quarters"]}
    column = quarters[label]
    period = figures(key)
    regs, money = period["regs"], period["money"]

    assert column["submitted"] == regs["totals"]["submitted"]
    assert column["approved"] == regs["totals"]["approved"]
    assert column["won"] == money["won"]
    assert column["won_deals"] == money["won_deals"] == regs["won"]
    assert column["win_rate"] == regs["win_rate"]
    five = (column["submitted"], column["approved"], column["pipeline"], column["won"])
    assert (*five, column["win_rate"]) == known


def test_each_quarter_is_compared_with_the_one_before(program):
    shown = figures(periods.QUARTERS)["quarters"]
    assert [q["label"] for q in shown["quarters"]] == [
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
        "2026 Q1",
        "2026 Q2",
    ]
    assert shown["base"] == "USD"
    second = shown["quarters"][-1]["change"]
    assert second == {"submitted": 0.0, "pipeline": 112.5, "won": 66.7, "win_rate": 50.0}
    first = shown["quarters"][-2]["change"]
    assert first == {"submitted": None, "pipeline": None, "won": None, "win_rate": None}


def test_the_quarters_cost_one_query_per_figure_family(program):
    def queries(count: int) -> int:
        shown = periods.quarters(NOW, count)
        with CaptureQueriesContext(connection) as captured:
            metrics.quarters(
                [p.window for p in shown],
                [p.first_day for p in shown],
                periods.today(NOW),
                periods.program_zone(),
            )
        return len(captured)

    # program settings, the roll-ups by quarter, the won value by quarter, today's rates, the
    # approved pipeline by quarter: five, for three quarters or twelve
    assert queries(3) == queries(12) == 5
    for n in range(30):  # and whatever the rows
        registration(
            program["p1"], status="won", submitted_at=at(5, 1), closed_at=at(5, 2 + n % 20)
        )
    assert queries(6) == 5
