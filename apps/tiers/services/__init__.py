"""Tier writes, by sub-domain: the trailing-12-month figures (`figures`), tier configuration
(`config`), deleting a tier (`deletion`), changing a partner's tier (`changes`), approving several proposals at once (`bulk`), the nightly evaluation (`evaluation`) and its notifications (`notices`). The public functions are re-exported
here so callers import them from `apps.tiers.services`."""

from __future__ import annotations

from .bulk import (
    MAX_BULK,
    BulkApproval,
    proposals_approve,
    proposals_approve_plan,
)
from .changes import proposal_transition, tier_change_apply, tier_set_by_hand
from .config import (
    AMOUNT_BOUNDS,
    COUNT_BOUNDS,
    DESCRIPTION_MAX,
    NAME_MAX,
    tier_config_errors,
)
from .deletion import (
    TierDeletion,
    default_move_to,
    tier_delete,
    tier_delete_plan,
    tier_move_choices,
    tier_usage,
)
from .evaluation import DISMISSAL_HOLDS_DAYS, evaluate_tiers
from .figures import figures_for, qualifying_tier

__all__ = [
    "AMOUNT_BOUNDS",
    "MAX_BULK",
    "BulkApproval",
    "COUNT_BOUNDS",
    "DESCRIPTION_MAX",
    "DISMISSAL_HOLDS_DAYS",
    "NAME_MAX",
    "TierDeletion",
    "default_move_to",
    "evaluate_tiers",
    "figures_for",
    "proposal_transition",
    "proposals_approve",
    "proposals_approve_plan",
    "qualifying_tier",
    "tier_change_apply",
    "tier_config_errors",
    "tier_delete",
    "tier_delete_plan",
    "tier_move_choices",
    "tier_set_by_hand",
    "tier_usage",
]
