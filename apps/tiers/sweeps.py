from __future__ import annotations

from datetime import datetime

from apps.core.sweeps import sweep

from .services import evaluate_tiers


@sweep("tier_evaluation")
def tier_evaluation(now: datetime) -> dict:
    return evaluate_tiers(now)
