"""Tier writes, by sub-domain: the trailing-12-month figures (`figures`), tier configuration
(`config`), changing a partner's tier (`changes`), the nightly evaluation (`evaluation`) and its notifications (`notices`). The public functions are re-exported
here so callers import them from `apps.tiers.services`."""

from __future__ import annotations

from .changes import proposal_transition, tier_change_apply, tier_set_by_hand
from .config import (
    AMOUNT_BOUNDS,
    COUNT_BOUNDS,
    DESCRIPTION_MAX,
    NAME_MAX,
    tier_config_errors,
    tier_delete,
    tier_usage,
)
from .evaluation import DISMISSAL_HOLDS_DAYS, evaluate_tiers
from .figures import figures_for, qualifying_tier

__all__ = [
    "AMOUNT_BOUNDS",
    "COUNT_BOUNDS",
    "DESCRIPTION_MAX",
    "DISMISSAL_HOLDS_DAYS",
    "NAME_MAX",
    "evaluate_tiers",
    "figures_for",
    "proposal_transition",
    "qualifying_tier",
    "tier_change_apply",
    "tier_config_errors",
    "tier_delete",
    "tier_set_by_hand",
    "tier_usage",
]
