"""The dashboard's figures: pure functions of (now, days, manager=None), each aggregated in the
database with a fixed number of queries whatever the number of partners and registrations.

`days` is the period looked back on: [now − days, now], both ends included. `manager` narrows
every figure to the partners that manager owns.

One module per part of the page — stages (funnel, time in stage, bottlenecks, onboarding),
deals (registrations and money), qbr_compliance, health_score — and what they share in common;
every public name is importable from here.
"""

from __future__ import annotations

from .common import DEFAULT_PERIOD, PERIODS, Window, stage_names, window
from .deals import (
    CENT,
    MONEY,
    in_base_currency,
    money,
    partner_money,
    registrations,
    week_start,
)
from .health_score import HEALTH_PARTS, health
from .qbr_compliance import DEFAULT_CADENCE_MONTHS, LOOP_STAGES, qbrs
from .quarters import quarters
from .stages import (
    STEPS,
    bottlenecks,
    evaluation_loops,
    onboarding,
    stage_funnel,
    stays_begun,
    time_in_stage,
)

__all__ = [
    "CENT",
    "DEFAULT_CADENCE_MONTHS",
    "DEFAULT_PERIOD",
    "HEALTH_PARTS",
    "LOOP_STAGES",
    "MONEY",
    "PERIODS",
    "STEPS",
    "Window",
    "bottlenecks",
    "evaluation_loops",
    "health",
    "in_base_currency",
    "money",
    "onboarding",
    "partner_money",
    "qbrs",
    "quarters",
    "registrations",
    "stage_funnel",
    "stage_names",
    "stays_begun",
    "time_in_stage",
    "week_start",
    "window",
]
