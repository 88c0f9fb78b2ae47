"""The recruitment funnel: applied → accepted → qualified (4C) → signed → onboarded, with the
conversion and the time of each step. One query over the applications and what became of
their partners. A partner is qualified from the moment its 4C scores reached the threshold
(`Partner.qualified_at`), or once it started onboarding (which needs it)."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from .models import Application, Status

STEPS = [
    ("applied", _("Applied")),
    ("accepted", _("Accepted")),
    ("qualified", _("Qualified (4C)")),
    ("signed", _("Signed")),
    ("onboarded", _("Onboarded")),
]


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 86400)


def _qualified_at(row: dict) -> datetime | None:
    return row["partner__qualified_at"] or row["partner__onboarding_started_at"]


def _reached(row: dict) -> dict[str, tuple[bool, float | None]]:
    """Which steps one application reached, and the days each took from the step before."""
    accepted = row["status"] == Status.ACCEPTED
    qualified = accepted and _qualified_at(row) is not None
    signed = qualified and row["first_signed"] is not None
    onboarded = signed and row["partner__onboarding_completed_at"] is not None
    return {
        "applied": (True, None),
        "accepted": (accepted, _days(row["created_at"], row["decided_at"])),
        "qualified": (qualified, _days(row["decided_at"], _qualified_at(row))),
        "signed": (signed, _days(_qualified_at(row), row["first_signed"])),
        "onboarded": (
            onboarded,
            _days(row["first_signed"], row["partner__onboarding_completed_at"]),
        ),
    }


def recruitment_funnel() -> list[dict]:
    """[{key, label, count, rate (of the step before, %), median_days}] in funnel order."""
    rows = Application.objects.annotate(first_signed=Min("partner__agreements__signed_at")).values(
        "status",
        "created_at",
        "decided_at",
        "first_signed",
        "partner__onboarding_started_at",
        "partner__onboarding_completed_at",
        "partner__qualified_at",
    )
    counts = {key: 0 for key, _label in STEPS}
    durations: dict[str, list[float]] = {key: [] for key, _label in STEPS}
    for row in rows:
        for key, (reached, days) in _reached(row).items():
            if reached:
                counts[key] += 1
                if days is not None:
                    durations[key].append(days)
    funnel, before = [], None
    for key, label in STEPS:
        count = counts[key]
        funnel.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "rate": None if before in (None, 0) else round(100 * count / before),
                "median_days": round(median(durations[key]), 1) if durations[key] else None,
            }
        )
        before = count
    return funnel
