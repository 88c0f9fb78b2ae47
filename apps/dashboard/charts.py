"""Chart geometry for the dashboard's server-drawn SVG (templates/dashboard/_*.html draw it).

Only numbers are computed here; labels stay as data so the templates escape them. Values and
ticks are written by the formatting layer in the reader's language (the charts are drawn per
request, not kept in the snapshot). An axis runs to a "nice" top — 0, 5, 10, 15 rather than 0
and the largest value — so a bar can be read against its ticks.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import format_number

LABEL_W, BAR_H, GAP, CHART_W, VALUE_W, AXIS_H = 130, 22, 8, 560, 70, 22


def nice_ticks(largest: float, *, whole: bool = True, aim: int = 4) -> list[float]:
    """Evenly spaced ticks from 0 to the first round number at or above `largest`: steps of
    1, 2, 2.5 or 5 times a power of ten, about `aim` of them; whole steps for counts."""
    if largest <= 0:
        return [0, 1]
    raw = largest / aim
    power = 10 ** math.floor(math.log10(raw))
    # 2.5 only where it stays a whole number for counts (25, 250, …, not 2.5)
    steps = (1, 2, 2.5, 5, 10) if power >= 10 or not whole else (1, 2, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if whole:
        step = max(1, round(step))
    count = math.ceil(largest / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{format_number(value)}{unit}"


def hbar(
    key: str,
    title: str,
    desc: str,
    items: list[dict],
    *,
    unit: str = "",
    marker_label="",
    axis_label: str = "",
) -> dict:
    """Horizontal bars: items of {label, value, href?, marker?} — `marker` draws a target line —
    over an axis of nice ticks."""
    values = [i["value"] or 0 for i in items] + [i.get("marker") or 0 for i in items]
    whole = all(float(v).is_integer() for v in values)
    ticks = nice_ticks(max(values + [0]), whole=whole)
    top = ticks[-1]
    usable = CHART_W - LABEL_W - VALUE_W
    rows = []
    for n, item in enumerate(items):
        value = item["value"]
        width = 0 if not value else max(2.0, usable * value / top)
        y = n * (BAR_H + GAP)
        marker = item.get("marker")
        rows.append(
            {
                **item,
                "y": y,
                "ty": y + BAR_H / 2 + 4,
                "w": round(width, 1),
                "vx": round(LABEL_W + width + 6, 1),
                "text": _fmt(value, unit),
                "mx": None if marker is None else round(LABEL_W + usable * marker / top, 1),
                "marker_text": None if marker is None else _fmt(marker, unit),
            }
        )
    bars_h = max(len(items), 1) * (BAR_H + GAP)
    return {
        "id": key,
        "title": title,
        "desc": desc,
        "rows": rows,
        "width": CHART_W,
        "height": bars_h + AXIS_H,
        "axis_y": bars_h,
        "tick_y": bars_h + 15,
        "ticks": [
            {"x": round(LABEL_W + usable * t / top, 1), "text": format_number(t)} for t in ticks
        ],
        "axis_label": axis_label,
        "axis_x": LABEL_W + usable + 18,  # after the last tick's number
        "label_w": LABEL_W,
        "bar_h": BAR_H,
        "marker_label": marker_label,
    }


SERIES = [
    ("submitted", _("Submitted"), "s1"),
    ("approved", _("Approved"), "s2"),
    ("rejected", _("Rejected"), "s3"),
]
WEEK_W, WEEK_H, WEEK_TOP, WEEK_BOTTOM, WEEK_LEFT = 1000, 200, 14, 26, 40


def weekly(key: str, title: str, weeks: list[dict]) -> dict:
    """Grouped vertical bars per week for the three review outcomes, over nice ticks."""
    ticks = nice_ticks(max([w[k] for w in weeks for k, _label, _css in SERIES] + [0]))
    top = ticks[-1]
    slot = (WEEK_W - WEEK_LEFT) / max(len(weeks), 1)
    bar = max(1.5, min(10.0, slot / 4))
    usable = WEEK_H - WEEK_TOP - WEEK_BOTTOM
    groups = []
    # a day's label is ~75 px wide at the chart's scale: at most ~9 of them on the axis
    every = max(1, math.ceil(len(weeks) / 9))
    for n, week in enumerate(weeks):
        x0 = WEEK_LEFT + n * slot + (slot - bar * 3) / 2
        bars = []
        for s, (k, label, css) in enumerate(SERIES):
            h = 0 if not week[k] else max(1.5, usable * week[k] / top)
            bars.append(
                {
                    "x": round(x0 + s * bar, 1),
                    "y": round(WEEK_TOP + usable - h, 1),
                    "w": round(bar, 1),
                    "h": round(h, 1),
                    "css": css,
                    "label": label,
                    "value": week[k],
                }
            )
        groups.append(
            {
                "week": week["week"],
                "bars": bars,
                "lx": round(WEEK_LEFT + n * slot + slot / 2, 1),
                "show_label": n % every == 0,
            }
        )
    totals = ", ".join(
        f"{label}: {format_number(sum(w[k] for w in weeks))}" for k, label, _css in SERIES
    )
    desc = gettext(
        "Totals over %(weeks)s weeks — %(totals)s. Values per week are in the table below."
    ) % {"weeks": format_number(len(weeks)), "totals": totals}
    return {
        "id": key,
        "title": title,
        "desc": desc,
        "groups": groups,
        "series": SERIES,
        "width": WEEK_W,
        "height": WEEK_H,
        "baseline": WEEK_H - WEEK_BOTTOM,
        "left": WEEK_LEFT,
        "ticks": [
            {"y": round(WEEK_TOP + usable - usable * t / top, 1), "text": format_number(t)}
            for t in ticks
        ],
        "label_y": WEEK_H - 8,
    }
