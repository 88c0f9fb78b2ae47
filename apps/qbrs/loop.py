"""The growth ⇄ evaluation loop of one partner, read from its stage history."""

from __future__ import annotations

from datetime import datetime, timedelta

from apps.partners.models import StageHistory

LOOP = ("growth", "evaluation")


def loop_history(partner, now: datetime) -> dict:
    """Cycles (evaluation → growth returns) and the time spent in growth and in evaluation.

    One query: the partner's history, oldest first. Each entry opens a stay in its `to_stage`
    that lasts until the next entry (or until now for the current stage).
    """
    entries = list(
        StageHistory.objects.filter(partner=partner)
        .order_by("at", "id")
        .values_list("from_stage", "to_stage", "at")
    )
    time_in = {stage: timedelta(0) for stage in LOOP}
    visits = {stage: 0 for stage in LOOP}
    cycles = 0
    for i, (from_stage, to_stage, at) in enumerate(entries):
        if from_stage == "evaluation" and to_stage == "growth":
            cycles += 1
        if to_stage in LOOP:
            until = entries[i + 1][2] if i + 1 < len(entries) else now
            time_in[to_stage] += max(until - at, timedelta(0))
            visits[to_stage] += 1
    return {
        "cycles": cycles,
        "stages": [
            {
                "stage": stage,
                "visits": visits[stage],
                "days": round(time_in[stage].total_seconds() / 86400, 1),
                "average_days": (
                    round(time_in[stage].total_seconds() / 86400 / visits[stage], 1)
                    if visits[stage]
                    else None
                ),
            }
            for stage in LOOP
        ],
    }
