"""Chart geometry for the dashboard's server-drawn SVG (templates/dashboard/_*.html draw it).

Only numbers are computed here; labels stay as data so the templates escape them.
"""

from __future__ import annotations

LABEL_W, BAR_H, GAP, CHART_W, VALUE_W = 130, 22, 8, 560, 70


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text}{unit}"


def hbar(
    key: str, title: str, desc: str, items: list[dict], *, unit: str = "", marker_label=""
) -> dict:
    """Horizontal bars: items of {label, value, href?, marker?} — `marker` draws a target line."""
    values = [i["value"] or 0 for i in items] + [i.get("marker") or 0 for i in items]
    top = max(values + [0]) or 1
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
    return {
        "id": key,
        "title": title,
        "desc": desc,
        "rows": rows,
        "width": CHART_W,
        "height": max(len(items), 1) * (BAR_H + GAP),
        "label_w": LABEL_W,
        "bar_h": BAR_H,
        "marker_label": marker_label,
    }


SERIES = [
    ("submitted", "Submitted", "s1"),
    ("approved", "Approved", "s2"),
    ("rejected", "Rejected", "s3"),
]
WEEK_W, WEEK_H, WEEK_TOP, WEEK_BOTTOM, WEEK_LEFT = 1000, 200, 14, 26, 34


def weekly(key: str, title: str, weeks: list[dict]) -> dict:
    """Grouped vertical bars per week for the three review outcomes."""
    top = max([w[k] for w in weeks for k, _, _ in SERIES] + [0]) or 1
    slot = (WEEK_W - WEEK_LEFT) / max(len(weeks), 1)
    bar = max(1.5, min(10.0, slot / 4))
    usable = WEEK_H - WEEK_TOP - WEEK_BOTTOM
    groups = []
    every = max(1, len(weeks) // 8)  # label at most ~8 weeks on the axis
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
    desc = ", ".join(f"{label}: {sum(w[k] for w in weeks)}" for k, label, _ in SERIES)
    return {
        "id": key,
        "title": title,
        "desc": f"Totals over {len(weeks)} weeks — {desc}. Values per week are in the table below.",
        "groups": groups,
        "series": SERIES,
        "width": WEEK_W,
        "height": WEEK_H,
        "baseline": WEEK_H - WEEK_BOTTOM,
        "left": WEEK_LEFT,
        "top_value": top,
        "top_y": WEEK_TOP,
        "label_y": WEEK_H - 8,
    }
