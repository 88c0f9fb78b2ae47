"""Each dashboard figure against data built for it, with the expected values worked out by hand
in the comments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from apps.dashboard import metrics
from apps.enablement.models import Certification, ResourceOpen
from apps.leads.models import Assignment, Outcome
from apps.partners.models import Partner
from apps.program.models import StageConfig
from tests.dashboard.conftest import NOW, ago, moved, partner
from tests.enablement.factories import CourseFactory, ResourceFactory
from tests.factories import ManagerFactory, PartnerUserFactory, TaskFactory, TierFactory
from tests.leads.factories import LeadFactory
from tests.qbrs.factories import ActionItemFactory, QBRFactory, registration

pytestmark = pytest.mark.django_db


# --- funnel -----------------------------------------------------------------------------------
def test_it_counts_nothing_on_empty_data(targets):
    funnel = metrics.stage_funnel(NOW, 90)
    assert funnel["total"] == 0
    assert set(funnel["counts"].values()) == {0}
    assert all(s["entered"] == 0 and s["rate"] is None for s in funnel["steps"])
    assert all(r["n"] == 0 and r["median"] is None for r in metrics.time_in_stage(NOW, 90))
    assert metrics.bottlenecks(NOW) == {"rows": [], "total": 0}
    assert metrics.health(NOW)["rows"] == []
    assert metrics.onboarding(NOW, 90)["ramp_median_days"] is None
    regs = metrics.registrations(NOW, 90)
    assert regs["win_rate"] is None and regs["review_median_hours"] is None
    assert metrics.money(NOW, 90)["by_partner"] == []
    assert metrics.qbrs(NOW, 90)["compliance"] is None


def _step(funnel, from_stage, to_stage):
    return next(s for s in funnel["steps"] if (s["from"], s["to"]) == (from_stage, to_stage))


def test_it_computes_the_funnel_from_the_stage_history(targets):
    p1 = partner("evaluation", entered_days=10)
    moved(p1, "recruitment", "onboarding", 100)  # before the period
    moved(p1, "onboarding", "growth", 50)
    moved(p1, "growth", "evaluation", 10)
    p2 = partner("onboarding", entered_days=80)
    moved(p2, "recruitment", "onboarding", 80)
    p3 = partner("exited", entered_days=20)
    moved(p3, "recruitment", "onboarding", 70)
    moved(p3, "onboarding", "exited", 20)
    partner("recruitment", entered_days=40, created_days=40)  # p4: new, no history yet
    p5 = partner("onboarding", entered_days=30, created_days=60)
    moved(p5, "recruitment", "onboarding", 30)
    p6 = partner("onboarding", entered_days=90)
    moved(p6, "recruitment", "onboarding", 90)  # exactly at the start: counts
    p7 = partner("onboarding", entered_days=91)
    moved(p7, "recruitment", "onboarding", 90 + 1 / 86400)  # a second before: does not

    funnel = metrics.stage_funnel(NOW, 90)

    assert funnel["counts"] == {
        "recruitment": 1,
        "onboarding": 4,
        "growth": 0,
        "evaluation": 1,
        "expansion": 0,
        "exited": 1,
    }
    assert funnel["total"] == 7
    # recruitment stays begun in the period: p4 (created, still there), p5 (created, moved on)
    assert _step(funnel, "recruitment", "onboarding") | {} == {
        "from": "recruitment",
        "to": "onboarding",
        "entered": 2,
        "moved": 1,
        "exited": 0,
        "still": 1,
        "rate": 50.0,
    }
    # onboarding entered by p2, p3, p5, p6 (not p1: before; not p7: a second early); p3 exited
    onb = _step(funnel, "onboarding", "growth")
    assert (onb["entered"], onb["moved"], onb["exited"], onb["still"]) == (4, 0, 1, 3)
    assert onb["rate"] == 0.0
    growth = _step(funnel, "growth", "evaluation")
    assert (growth["entered"], growth["moved"], growth["rate"]) == (1, 1, 100.0)
    assert _step(funnel, "evaluation", "growth")["entered"] == 1
    assert _step(funnel, "evaluation", "growth")["moved"] == 0


def test_it_narrows_the_funnel_to_the_managers_partners(targets, bob):
    mine = partner("growth", manager=bob, entered_days=5)
    moved(mine, "onboarding", "growth", 5)
    other = partner("growth", manager=ManagerFactory(), entered_days=5)
    moved(other, "onboarding", "growth", 5)

    assert metrics.stage_funnel(NOW, 90, bob)["counts"]["growth"] == 1
    assert metrics.stage_funnel(NOW, 90)["counts"]["growth"] == 2
    assert _step(metrics.stage_funnel(NOW, 90, bob), "growth", "evaluation")["entered"] == 1


# --- time in stage ----------------------------------------------------------------------------
def _stay(rows, stage):
    return next(r for r in rows if r["stage"] == stage)


def test_it_computes_median_and_p90_days_in_stage(targets):
    for d in (10, 20, 30, 40):
        p = partner("evaluation", entered_days=5)
        moved(p, "onboarding", "growth", 5 + d)  # began onboarding at creation, 400 days ago
        moved(p, "growth", "evaluation", 5)
    partner("growth", entered_days=50)  # a current stay of 50 days
    gone = partner("exited", entered_days=100)
    moved(gone, "onboarding", "growth", 120)
    moved(gone, "growth", "exited", 100)  # ended before the period: left out

    rows = metrics.time_in_stage(NOW, 90)

    # growth: 10, 20, 30, 40 (completed) and 50 (current) → median 30; p90 at rank 3.6 → 46
    growth = _stay(rows, "growth")
    assert (growth["n"], growth["median"], growth["p90"]) == (5, 30.0, 46.0)
    assert growth["target"] == 100 and not growth["median_over"]
    # onboarding from creation (400 days ago) to 15/25/35/45 days ago: 355…385 → 370, 382
    onb = _stay(rows, "onboarding")
    assert (onb["n"], onb["median"], onb["p90"]) == (4, 370.0, 382.0)
    assert onb["median_over"] and onb["p90_over"]
    # evaluation: four current stays of 5 days
    assert (_stay(rows, "evaluation")["n"], _stay(rows, "evaluation")["median"]) == (4, 5.0)
    assert _stay(rows, "recruitment")["median"] is None
    assert "exited" not in {r["stage"] for r in rows}


def test_it_lists_bottlenecks_worst_first(targets, bob):
    b1 = partner("growth", entered_days=130, manager=bob)  # target 100: 30 over
    b2 = partner("evaluation", entered_days=70)  # target 20: 50 over
    partner("onboarding", entered_days=59)  # within its 60
    partner("exited", entered_days=1000)  # no target
    b5 = partner("recruitment", entered_days=31)  # target 30: 1 over

    found = metrics.bottlenecks(NOW)

    assert [(r["partner"], r["over_days"]) for r in found["rows"]] == [(b2, 50), (b1, 30), (b5, 1)]
    assert found["rows"][0]["days"] == 70 and found["rows"][0]["target"] == 20
    assert found["total"] == 3
    assert [r["partner"] for r in metrics.bottlenecks(NOW, bob)["rows"]] == [b1]
    assert metrics.bottlenecks(NOW, limit=2)["total"] == 3


# --- onboarding -------------------------------------------------------------------------------
def test_it_computes_ramp_time_on_time_rate_and_risk(targets):
    o1 = partner("growth", onboarding_started_at=ago(100))
    registration(o1, status="approved", submitted_at=ago(41), approved_at=ago(40))  # ramp 60
    o2 = partner("growth", onboarding_started_at=ago(50))
    registration(o2, status="approved", submitted_at=ago(56), approved_at=ago(55))  # before start
    registration(o2, status="approved", submitted_at=ago(31), approved_at=ago(30))  # ramp 20
    registration(o2, status="approved", submitted_at=ago(11), approved_at=ago(10))
    o3 = partner("growth", onboarding_started_at=ago(200))
    registration(o3, status="approved", submitted_at=ago(151), approved_at=ago(150))  # outside
    today = NOW.date()
    partner(
        "growth",
        onboarding_completed_at=ago(10),
        onboarding_due_date=today - timedelta(days=5),
    )  # on time
    partner(
        "growth",
        onboarding_completed_at=ago(20),
        onboarding_due_date=today - timedelta(days=25),
    )  # late
    partner(
        "growth",
        onboarding_completed_at=ago(91),
        onboarding_due_date=today - timedelta(days=25),
    )  # before the period
    partner("onboarding", onboarding_due_date=today - timedelta(days=1))  # at risk
    partner("onboarding", onboarding_due_date=today)  # due today: not yet

    figures = metrics.onboarding(NOW, 90)

    # ramps 20 and 60 days: median 40, p90 20 + 0.9 × 40 = 56
    assert figures["ramped"] == 2
    assert figures["ramp_median_days"] == 40.0
    assert figures["ramp_p90_days"] == 56.0
    assert (figures["completed"], figures["on_time"], figures["on_time_rate"]) == (2, 1, 50.0)
    assert (figures["onboarding"], figures["at_risk"]) == (2, 1)


# --- registrations ----------------------------------------------------------------------------
def test_it_counts_registrations_per_week_review_time_breaches_and_win_rate(targets):
    p = partner("growth")
    h = timedelta(hours=1)
    registration(p, submitted_at=ago(1))  # waiting 24 h
    registration(p, submitted_at=ago(3))  # waiting 72 h: past the 48 h SLA
    s3 = ago(10)
    registration(
        p, status="approved", submitted_at=s3, reviewed_at=s3 + 10 * h, approved_at=s3 + 10 * h
    )
    registration(
        p, status="rejected", submitted_at=s3, reviewed_at=s3 + 30 * h, rejection_reason="No"
    )
    s5 = ago(20)
    registration(
        p,
        status="won",
        submitted_at=s5,
        reviewed_at=s5 + 50 * h,
        approved_at=s5 + 50 * h,
        closed_at=ago(2),
    )
    s6 = ago(40)
    registration(
        p,
        status="lost",
        submitted_at=s6,
        reviewed_at=s6 + 70 * h,
        approved_at=s6 + 70 * h,
        closed_at=ago(5),
    )
    registration(p, submitted_at=ago(30))  # submitted exactly at the start of the period

    figures = metrics.registrations(NOW, 30)

    weeks = {
        str(w["week"]): (w["submitted"], w["approved"], w["rejected"]) for w in figures["weeks"]
    }
    assert weeks == {
        "2026-05-11": (1, 0, 0),
        "2026-05-18": (0, 0, 0),
        "2026-05-25": (1, 1, 0),
        "2026-06-01": (2, 1, 1),
        "2026-06-08": (2, 0, 0),
        "2026-06-15": (0, 0, 0),
    }
    assert figures["totals"] == {"submitted": 6, "approved": 2, "rejected": 1}
    # reviewed in the period: 10 h, 30 h, 50 h → median 30, p90 30 + 0.8 × 20 = 46. Read from
    # one-hour histogram buckets (apps/dashboard/rollups.py): each is off by less than the
    # stated error, one hour here — it was exact (30.0, 46.0) when computed from the rows.
    assert figures["review_error_hours"] == 1.0
    assert abs(figures["review_median_hours"] - 30.0) < 1.0
    assert abs(figures["review_p90_hours"] - 46.0) < 1.0
    assert (figures["reviewed"], figures["reviewed_late"]) == (3, 1)
    assert not figures["median_over_sla"] and not figures["p90_over_sla"]
    assert (figures["waiting"], figures["breaches"]) == (3, 2)
    assert (figures["won"], figures["lost"], figures["win_rate"]) == (1, 1, 50.0)


# --- money ------------------------------------------------------------------------------------
def _money_data():
    gold = TierFactory(name="Gold Test", rank=50)
    m1 = partner("growth", tier=gold, name="Aardvark Partners")
    m2 = partner("growth", name="Zebra Partners")
    registration(m1, status="approved", submitted_at=ago(20), approved_at=ago(19), value="1000")
    registration(
        m1,
        status="won",
        submitted_at=ago(30),
        approved_at=ago(29),
        closed_at=ago(10),
        value="500",
        actual_value="700",
    )
    registration(
        m1,
        status="won",
        submitted_at=ago(130),
        approved_at=ago(129),
        closed_at=ago(100),
        value="400",
    )
    registration(
        m1,
        status="approved",
        submitted_at=ago(20),
        approved_at=ago(19),
        value="300",
        currency="EUR",
    )
    registration(
        m2, status="won", submitted_at=ago(5), approved_at=ago(4), closed_at=ago(1), value="200"
    )
    registration(m2, status="submitted", submitted_at=ago(5), value="9999")
    return gold, m1, m2


def test_it_sums_pipeline_and_won_value_by_partner_and_tier_and_flags_missing_rates(targets):
    gold, m1, m2 = _money_data()

    figures = metrics.money(NOW, 90)

    assert figures["base"] == "USD"
    assert [
        (r["partner_id"], r["pipeline"], r["won"], r["missing"]) for r in figures["by_partner"]
    ] == [
        (m1.pk, Decimal("1000.00"), Decimal("700.00"), 1),
        (m2.pk, Decimal("0.00"), Decimal("200.00"), 0),
    ]
    assert [(r["name"], r["pipeline"], r["won"]) for r in figures["by_tier"]] == [
        ("Gold Test", Decimal("1000.00"), Decimal("700.00")),
        ("No tier", Decimal("0.00"), Decimal("200.00")),
    ]
    assert (figures["pipeline"], figures["won"], figures["won_deals"]) == (
        Decimal("1000.00"),
        Decimal("900.00"),
        2,
    )
    assert figures["missing"] == 1 and figures["missing_currencies"] == ["EUR"]


def test_it_converts_other_currencies_with_the_rate_in_force(targets):
    from apps.program.models import ExchangeRate

    gold, m1, m2 = _money_data()
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.5"), effective_date=ago(30).date()
    )
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("9"), effective_date=ago(-3).date()
    )

    figures = metrics.money(NOW, 90)

    # 1000 USD + 300 EUR × 1.5 (the rate in force today; next week's is not)
    assert figures["by_partner"][0]["pipeline"] == Decimal("1450.00")
    assert figures["missing"] == 0


# --- QBRs -------------------------------------------------------------------------------------
def test_it_computes_qbr_compliance_overdue_and_loops(targets):
    every_two = TierFactory(name="Two-monthly", rank=60, qbr_cadence_months=2)
    q1 = partner("growth", tier=every_two, name="Q1")
    QBRFactory(
        partner=q1,
        status="completed",
        outcome="continue",
        scheduled_for=ago(50),
        completed_at=ago(50),
    )
    q2 = partner("growth", tier=every_two, name="Q2")
    QBRFactory(
        partner=q2,
        status="completed",
        outcome="continue",
        scheduled_for=ago(70),
        completed_at=ago(70),
    )
    q3 = partner("evaluation", name="Q3")  # no tier: every 3 months
    QBRFactory(
        partner=q3,
        status="completed",
        outcome="continue",
        scheduled_for=ago(70),
        completed_at=ago(70),
    )
    q4 = partner("expansion", name="Q4")
    QBRFactory(partner=q4, status="scheduled", scheduled_for=ago(1))  # overdue
    q5 = partner("recruitment", name="Q5")
    QBRFactory(
        partner=q5,
        status="completed",
        outcome="continue",
        scheduled_for=ago(5),
        completed_at=ago(5),
    )
    moved(q1, "evaluation", "growth", 200)
    moved(q1, "growth", "evaluation", 30)
    moved(q1, "evaluation", "growth", 20)
    moved(q3, "evaluation", "growth", 5)  # its evaluation began before the period
    moved(q3, "growth", "evaluation", 4)

    figures = metrics.qbrs(NOW, 90)
    funnel = metrics.stage_funnel(NOW, 90)

    # in the loop: Q1–Q4; compliant: Q1 (50 days ≤ 2 months), Q3 (70 days ≤ 3 months)
    assert (figures["in_loop"], figures["compliant"], figures["compliance"]) == (4, 2, 50.0)
    assert figures["overdue"] == 1
    # Loops of the period: evaluations begun in it and back in growth by its end — Q1's
    # (entered 30 days ago, back 20 days ago), not Q3's (its evaluation began long before);
    # the funnel's Evaluation → Growth counts the very same.
    assert [(r["name"], r["total"], r["in_period"]) for r in figures["top_loops"]] == [
        ("Q1", 2, 1),
        ("Q3", 1, 0),
    ]
    assert _step(funnel, "evaluation", "growth")["moved"] == 1


def test_it_subtracts_calendar_months():
    assert NOW - relativedelta(months=2) == NOW.replace(month=4)
    assert (NOW.replace(month=3, day=31) - relativedelta(months=1)).day == 28
    assert NOW.replace(month=1) - relativedelta(months=1) == NOW.replace(year=2025, month=12)


# --- health -----------------------------------------------------------------------------------
def test_it_scores_partner_health_lowest_first(targets):
    today = NOW.date()
    h1 = partner("growth", entered_days=10, name="Healthy")
    registration(h1, submitted_at=ago(5))
    registration(h1, status="won", submitted_at=ago(40), approved_at=ago(39), closed_at=ago(30))
    QBRFactory(
        partner=h1,
        status="completed",
        outcome="continue",
        satisfaction_score=6,
        scheduled_for=ago(100),
        completed_at=ago(100),
    )
    QBRFactory(
        partner=h1,
        status="completed",
        outcome="continue",
        satisfaction_score=8,
        scheduled_for=ago(10),
        completed_at=ago(10),
    )

    h2 = partner("growth", entered_days=140, name="Quiet")
    registration(h2, status="won", submitted_at=ago(60), approved_at=ago(59), closed_at=ago(50))
    for _ in range(3):
        registration(
            h2, status="lost", submitted_at=ago(70), approved_at=ago(69), closed_at=ago(55)
        )
    QBRFactory(
        partner=h2,
        status="completed",
        outcome="continue",
        satisfaction_score=9,
        scheduled_for=ago(100),
        completed_at=ago(100),
    )
    last = QBRFactory(
        partner=h2,
        status="completed",
        outcome="continue",
        satisfaction_score=7,
        scheduled_for=ago(10),
        completed_at=ago(10),
    )
    TaskFactory(partner=h2, due_date=today - timedelta(days=1))  # overdue
    TaskFactory(partner=h2, due_date=today - timedelta(days=1), done=True)
    TaskFactory(partner=h2, due_date=today - timedelta(days=9), stage_visit=ago(400))  # old visit
    ActionItemFactory(qbr=last, due_date=today - timedelta(days=2))  # overdue

    # Lead response and enablement: Healthy answered both its leads, has a certified person and
    # opened the library 5 days ago; Quiet let one of two lapse, its only certification has
    # expired, and it last opened the library 60 days ago.
    given(h1, Outcome.ACCEPTED, Outcome.REJECTED, Outcome.RECALLED)  # a recall doesn't count
    given(h2, Outcome.ACCEPTED, Outcome.LAPSED)
    certified(h1, earned_days=100, valid_days=265)
    certified(h2, earned_days=400, valid_days=365)  # ended 35 days ago (the sweep not yet run)
    opened(h1, days=5)
    opened(h2, days=60)
    opened(h2, days=120)  # outside the 90 days

    h3 = partner("evaluation", entered_days=40, name="Silent")
    for _ in range(3):
        TaskFactory(partner=h3, due_date=today - timedelta(days=3))
    partner("recruitment", name="Prospect")  # not active: not scored

    rows = metrics.health(NOW)["rows"]

    # Silent: activity 0, wins 10 (none closed), satisfaction 10 (no QBR), overdue 0 (3),
    #         stage 0 (40 days > 1.5 × 20), leads 10 (none given), enablement 0 = 30 of 140 → 21
    # Quiet: activity 10 (60 days), wins 10 (1 of 4), satisfaction 0 (9 → 7), overdue 10 (2),
    #        stage 10 (140 ≤ 150), leads 10 (1 of 2 in time), enablement 10 = 60 of 140 → 43
    # Healthy: 20 + 20 (1 of 1) + 20 (6 → 8) + 20 + 20 + 20 (2 of 2) + 20 = 140 of 140 → 100
    assert [(r["partner"].name, r["score"]) for r in rows] == [
        ("Silent", 21),
        ("Quiet", 43),
        ("Healthy", 100),
    ]
    quiet = {p["key"]: p["points"] for p in rows[1]["parts"]}
    assert quiet == {
        "activity": 10,
        "wins": 10,
        "satisfaction": 0,
        "overdue": 10,
        "stage_time": 10,
        "leads": 10,
        "enablement": 10,
    }
    assert (rows[1]["leads_answered"], rows[1]["leads_lapsed"]) == (1, 1)
    assert (rows[2]["leads_answered"], rows[2]["leads_lapsed"]) == (2, 0)
    assert rows[1]["overdue_work"] == 2 and rows[1]["days_since_registration"] == 60
    assert "QBR satisfaction 0/20" in rows[1]["explain"]
    assert Partner.objects.count() == 4


def test_it_scores_health_without_any_stage_targets(db):
    # No StageConfig rows: no stage has a target, so every partner is within it (this raised
    # "An empty Q() can't be used as a When() condition").
    StageConfig.objects.all().delete()
    partner("growth", entered_days=500, name="Old Timer")
    rows = metrics.health(NOW)["rows"]
    assert [r["partner"].name for r in rows] == ["Old Timer"]
    assert {p["key"]: p["points"] for p in rows[0]["parts"]}["stage_time"] == 20


@pytest.mark.parametrize(
    ("won", "lost", "expected"),
    [
        (0, 0, 10),  # none closed
        (1, 1, 20),  # exactly half won
        (2, 3, 10),  # 40 %
        (1, 3, 10),  # exactly a quarter
        (1, 4, 0),  # 20 %
        (0, 2, 0),
        (3, 0, 20),
    ],
)
def test_health_scores_the_win_rate_at_its_boundaries(targets, won, lost, expected):
    p = partner("growth", entered_days=10, name="Scored")
    for status, n in (("won", won), ("lost", lost)):
        for _ in range(n):
            registration(
                p, status=status, submitted_at=ago(200), approved_at=ago(199), closed_at=ago(100)
            )
    registration(p, status="lost", submitted_at=ago(500), approved_at=ago(499), closed_at=ago(400))

    (row,) = metrics.health(NOW)["rows"]

    # The closing 400 days ago is outside the 12 months and never counts.
    assert {x["key"]: x["points"] for x in row["parts"]}["wins"] == expected
    assert (row["won_12m"], row["closed_12m"]) == (won, won + lost)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((), 10),  # no QBR with a score
        ((9,), 20),
        ((7,), 20),  # the threshold
        ((6,), 10),
        ((5, 8), 20),  # rising to 8
        ((8, 8), 20),  # steady is not falling
        ((8, 7), 0),  # falling, though still ≥ 7
        ((3, 4, 2), 0),  # only the last two count: 4 → 2
        ((9, 2, 6), 10),  # 2 → 6, below 7
    ],
)
def test_health_scores_qbr_satisfaction_by_the_last_two(targets, scores, expected):
    p = partner("growth", entered_days=10, name="Scored")
    for n, score in enumerate(scores):  # oldest first
        QBRFactory(
            partner=p,
            status="completed",
            outcome="continue",
            satisfaction_score=score,
            scheduled_for=ago(300 - 90 * n),
            completed_at=ago(300 - 90 * n),
        )

    (row,) = metrics.health(NOW)["rows"]

    assert {x["key"]: x["points"] for x in row["parts"]}["satisfaction"] == expected
    assert row["last_score"] == (scores[-1] if scores else None)


@pytest.mark.parametrize(
    ("tasks", "items", "expected"), [(0, 0, 20), (1, 0, 10), (1, 1, 10), (0, 2, 10), (2, 1, 0)]
)
def test_health_scores_overdue_tasks_and_action_items_together(targets, tasks, items, expected):
    today = NOW.date()
    p = partner("growth", entered_days=10, name="Scored")
    for _ in range(tasks):
        TaskFactory(partner=p, due_date=today - timedelta(days=1))
    TaskFactory(partner=p, due_date=today)  # due today: not overdue
    qbr = QBRFactory(
        partner=p,
        status="completed",
        outcome="continue",
        satisfaction_score=8,
        scheduled_for=ago(20),
        completed_at=ago(20),
    )
    for _ in range(items):
        ActionItemFactory(qbr=qbr, due_date=today - timedelta(days=1))
    ActionItemFactory(qbr=qbr, due_date=today - timedelta(days=5), done=True)  # done

    (row,) = metrics.health(NOW)["rows"]

    assert {x["key"]: x["points"] for x in row["parts"]}["overdue"] == expected
    assert row["overdue_work"] == tasks + items


def test_health_keeps_the_lowest_limit_partners_ranked_by_score_then_name(targets):
    # Growth target 100 days: 10 days in → 20; 120 → 10; 200 → 0. No other signal differs.
    for name, days in [("Bravo", 200), ("Alpha", 200), ("Mid", 120), ("Top", 10)]:
        partner("growth", entered_days=days, name=name)

    rows = metrics.health(NOW, limit=3)["rows"]

    # activity 0, wins 10, satisfaction 10, overdue 20, leads 10, enablement 0 = 50, plus the
    # stage's points, of 140: 50 → 36, 60 → 43
    assert [(r["partner"].name, r["score"]) for r in rows] == [
        ("Alpha", 36),
        ("Bravo", 36),
        ("Mid", 43),
    ]


def given(p, *outcomes, days=10):
    """Leads given to `p` `days` ago, one per outcome."""
    for outcome in outcomes:
        Assignment.objects.create(
            lead=LeadFactory(),
            partner=p,
            explanation="test",
            assigned_at=ago(days),
            accept_by=ago(days - 1),
            outcome=outcome,
            ended_at=None if outcome == Outcome.PENDING else ago(days - 1),
        )


def certified(p, earned_days, valid_days):
    """One of `p`'s people earned a certification `earned_days` ago, valid `valid_days`."""
    Certification.objects.create(
        user=PartnerUserFactory(partner=p),
        partner=p,
        course=CourseFactory(),
        earned_at=ago(earned_days),
        expires_at=ago(earned_days - valid_days),
    )


def opened(p, days):
    """One of `p`'s people opened a library resource `days` ago."""
    ResourceOpen.objects.create(
        resource=ResourceFactory(),
        user=PartnerUserFactory(partner=p),
        partner=p,
        day=ago(days).date(),
        opened_at=ago(days),
    )


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ((), 10),  # none given
        ((Outcome.PENDING, Outcome.RECALLED, Outcome.ENDED), 10),  # no clock ended: none count
        ((Outcome.ACCEPTED,) * 4 + (Outcome.LAPSED,), 20),  # exactly 80 % in time
        ((Outcome.REJECTED,) * 3 + (Outcome.LAPSED,) * 2, 10),  # 60 %: rejecting is answering
        ((Outcome.ACCEPTED, Outcome.LAPSED), 10),  # exactly half
        ((Outcome.ACCEPTED,) + (Outcome.LAPSED,) * 2, 0),
    ],
)
def test_health_scores_lead_response_by_the_answered_share(targets, outcomes, expected):
    p = partner("growth", entered_days=10, name="Scored")
    given(p, *outcomes)
    given(p, Outcome.LAPSED, days=120)  # before the 90 days: never counts

    (row,) = metrics.health(NOW)["rows"]

    assert {x["key"]: x["points"] for x in row["parts"]}["leads"] == expected


@pytest.mark.parametrize(
    ("certification", "days", "expected"),
    [
        (None, None, 0),
        (None, 1, 10),  # the library used yesterday
        (None, 89, 10),
        (None, 91, 0),  # too long ago
        ((30, 365), None, 10),  # certified a month ago for a year
        ((30, 365), 10, 20),
        ((400, 365), 10, 10),  # expired 35 days ago, though still marked active
        ((-1, 365), None, 0),  # earned after `now`
    ],
)
def test_health_scores_enablement_by_certifications_and_library_use(
    targets, certification, days, expected
):
    p = partner("growth", entered_days=10, name="Scored")
    other = partner("growth", entered_days=10, name="Other")
    opened(other, days=1)  # another partner's people count for that partner only
    certified(other, earned_days=1, valid_days=365)
    if certification is not None:
        certified(p, *certification)
    if days is not None:
        opened(p, days=days)

    rows = {r["partner"].name: r for r in metrics.health(NOW)["rows"]}

    assert {x["key"]: x["points"] for x in rows["Scored"]["parts"]}["enablement"] == expected
    assert rows["Other"]["certified_people"] == 1
