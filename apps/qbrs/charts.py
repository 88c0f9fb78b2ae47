"""Small bar charts of the last four quarters, drawn as SVG on the server (no JavaScript)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from apps.core.formatting import format_number, format_percent

WIDTH, HEIGHT, PAD_TOP, PAD_BOTTOM = 220, 110, 16, 22

CHARTS = [
    # figure key, title, value format
    ("won_value", "Won value", "money"),
    ("submitted", "Registrations submitted", "count"),
    ("win_rate", "Win rate (%)", "percent"),
    ("score", "Satisfaction (1–10)", "count"),
]


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "money":
        return format_number(value, decimals=0)
    if kind == "percent":
        return format_percent(value)
    return format_number(value)


def bar_chart(points: list[dict], key: str, title: str, kind: str) -> dict:
    values = [
        _number(p.get("score") if key == "score" else (p.get("figures") or {}).get(key))
        for p in points
    ]
    top = max([v for v in values if v is not None] + [0]) or 1
    if key == "score":
        top = 10
    slot = WIDTH / max(len(points), 1)
    bar = min(36, slot * 0.6)
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    bars = []
    for i, (point, value) in enumerate(zip(points, values, strict=True)):
        h = 0 if value is None else max(1.0, usable * value / top)
        x = i * slot + (slot - bar) / 2
        bars.append(
            {
                "x": round(x, 1),
                "y": round(PAD_TOP + usable - h, 1),
                "w": round(bar, 1),
                "h": round(h, 1),
                "cx": round(x + bar / 2, 1),
                "ty": round(PAD_TOP + usable - h - 4, 1),
                "label": point["quarter"],
                "text": _fmt(value, kind),
                "current": point.get("current", False),
            }
        )
    summary = ", ".join(f"{b['label']}: {b['text']}" for b in bars)
    return {
        "title": title,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PAD_BOTTOM,
        "mid": WIDTH / 2,
        "label_y": HEIGHT - 6,
        "summary": f"{title} — {summary}" if bars else f"{title}: no quarters yet",
    }


def charts(points: list[dict]) -> list[dict]:
    return [bar_chart(points, key, title, kind) for key, title, kind in CHARTS]
