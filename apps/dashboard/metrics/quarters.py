"""Quarter over quarter: registrations submitted, pipeline approved, won value and win rate for
the last few calendar quarters side by side, each against the quarter before.

One query per family of figures whatever the number of quarters: the counts from the daily
roll-ups grouped by quarter (submitted, approved, won, lost), the won value and the approved
pipeline from the registrations grouped by the quarter of their close or approval. Each quarter
is the very window the period "this quarter" / "last quarter" reads (apps/dashboard/periods.py),
and each figure the same conversion as the period's (deals.py), so a quarter's column equals
that period's figures.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncQuarter

from apps.deals.models import DealRegistration
from apps.program.models import ProgramSettings

from ..models import RegistrationDay
from .common import Window, _rate, _via_partner
from .deals import MONEY, _at_todays_rate, _money, _scope, _won_in


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def quarters(windows: list[Window], firsts: list[date], today: date, zone, manager=None) -> dict:
    """Figures per quarter: `windows` the quarters' windows (oldest first), `firsts` their first
    days, `today` the program's today (the pipeline's rate day), `zone` the program's time zone
    the quarters are cut in. The first quarter is read only as the previous of the second."""
    start, end = windows[0].start, windows[-1].end
    base = ProgramSettings.get().base_currency.upper()
    counts: dict[date, dict] = {}
    days = RegistrationDay.objects.filter(_scope(manager), day__gte=firsts[0], day__lte=today)
    for found in (
        days.annotate(quarter=TruncQuarter("day"))
        .values("quarter")
        .annotate(
            submitted=Sum("submitted"), approved=Sum("approved"), won=Sum("won"), lost=Sum("lost")
        )
        .order_by()
    ):
        counts[_day(found["quarter"])] = dict(found)

    regs = DealRegistration.objects.filter(_via_partner(manager))
    won_value = _by_quarter(_won_in(regs, base, start, end), "closed_at", zone)
    # Pipeline approved in the quarter: the registrations approved then (whatever became of
    # them since), at today's rate like the approved pipeline of the period view.
    approved = regs.filter(approved_at__gte=start, approved_at__lte=end)
    pipeline = _by_quarter(_at_todays_rate(approved, base, today), "approved_at", zone)

    rows: list[dict] = []
    for first in firsts:
        c = counts.get(first, {})
        won_n, lost_n = c.get("won") or 0, c.get("lost") or 0
        w, p = won_value.get(first, {}), pipeline.get(first, {})
        rows.append(
            {
                "first_day": first,
                "submitted": c.get("submitted") or 0,
                "approved": c.get("approved") or 0,
                "pipeline": _money(p.get("value")),
                "won": _money(w.get("value")),
                "won_deals": w.get("n", 0),
                "lost": lost_n,
                "closed": won_n + lost_n,
                "win_rate": _rate(won_n, won_n + lost_n),
                "missing": (w.get("n", 0) - w.get("converted", 0))
                + (p.get("n", 0) - p.get("converted", 0)),
            }
        )
    for previous, row in zip(rows, rows[1:], strict=False):
        change: dict[str, float | None] = {
            key: _change(previous[key], row[key]) for key in ("submitted", "pipeline", "won")
        }
        # the win rate's change in percentage points
        change["win_rate"] = (
            None
            if row["win_rate"] is None or previous["win_rate"] is None
            else round(row["win_rate"] - previous["win_rate"], 1)
        )
        row["change"] = change
    return {"base": base, "quarters": rows[1:], "missing": sum(r["missing"] for r in rows[1:])}


def _by_quarter(converted, field: str, zone) -> dict[date, dict]:
    """{first day of the quarter: {value, n, converted}} of registrations annotated `in_base`,
    by the quarter of `field` in the program's time zone. One query."""
    rows = (
        converted.annotate(quarter=TruncQuarter(field, tzinfo=zone))
        .values("quarter")
        .annotate(
            value=Sum("in_base", output_field=MONEY), n=Count("*"), converted=Count("in_base")
        )
        .order_by()
    )
    return {_day(row["quarter"]): row for row in rows}


def _change(before, after) -> float | None:
    """Percent change against the quarter before; None when there was nothing before."""
    if not before:
        return None
    return round(float((Decimal(after) - Decimal(before)) / Decimal(before) * 100), 1)
