"""Writes on market development funds: periods and allocations (`allocations`), the ledger
(`ledger`), fund requests with their files and transitions (`requests`).
`fund_request_transition` is the one way a request's status changes."""

from __future__ import annotations

from .allocations import OverAllocated, Plan, allocate_by_rule, allocation_create, period_create
from .earnings import (
    PERIOD_ERROR,
    PERIOD_PATTERN,
    BatchPlan,
    earning_accrue,
    earnings_convert,
    parse_period,
    payout_batch_create,
    payout_batch_plan,
    payout_batch_transition,
)
from .ledger import InsufficientFunds, record
from .requests import (
    EDITABLE,
    REQUEST_FIELDS,
    fund_file_add,
    fund_request_create,
    fund_request_transition,
    fund_request_update,
)

__all__ = [
    "EDITABLE",
    "PERIOD_ERROR",
    "PERIOD_PATTERN",
    "BatchPlan",
    "earning_accrue",
    "earnings_convert",
    "parse_period",
    "payout_batch_create",
    "payout_batch_plan",
    "payout_batch_transition",
    "REQUEST_FIELDS",
    "InsufficientFunds",
    "OverAllocated",
    "Plan",
    "allocate_by_rule",
    "allocation_create",
    "fund_file_add",
    "fund_request_create",
    "fund_request_transition",
    "fund_request_update",
    "period_create",
    "record",
]
