"""The lifecycle diagram: an SVG drawn from the stage machine's own transitions."""

from __future__ import annotations

import math
from collections.abc import Set

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Partner, Stage

W, H = 124, 38
# Where each stage sits; the edges come from the FSM, so a new transition shows up by itself.
POSITIONS: dict[str, tuple[int, int]] = {
    Stage.RECRUITMENT: (80, 50),
    Stage.ONBOARDING: (240, 50),
    Stage.GROWTH: (400, 50),
    Stage.EVALUATION: (580, 50),
    Stage.EXPANSION: (490, 175),
    Stage.EXITED: (240, 175),
}


def machine_edges() -> list[tuple[str, str, str]]:
    """(source, target, transition name) for every transition of Partner.stage."""
    edges = []
    for t in Partner._meta.get_field("stage").get_all_transitions(Partner):
        if t.source in POSITIONS and t.target in POSITIONS and t.source != t.target:
            edges.append((t.source, t.target, t.name))
    return edges


def _border_point(cx: float, cy: float, dx: float, dy: float) -> tuple[float, float]:
    scale = min(
        (W / 2 + 4) / abs(dx) if dx else math.inf,
        (H / 2 + 4) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def lifecycle_svg(current: str, labels: dict[str, str], available: Set[str] = frozenset()) -> str:
    edges = machine_edges()
    pairs = {(s, t) for s, t, _ in edges}
    parts = [
        '<svg class="lifecycle" viewBox="0 0 680 220" role="img" '
        'aria-labelledby="lifecycle-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="lifecycle-title">Partner lifecycle; current stage: '
        f"{escape(labels.get(current, current))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="context-stroke"/></marker></defs>',
    ]
    for source, target, name in edges:
        (x1, y1), (x2, y2) = POSITIONS[source], POSITIONS[target]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        # A pair of opposite edges (the growth ⇄ evaluation loop) bends apart.
        bend = 26 if (target, source) in pairs else 0
        nx, ny = -dy / length, dx / length
        mx, my = (x1 + x2) / 2 + nx * bend, (y1 + y2) / 2 + ny * bend
        sx, sy = _border_point(x1, y1, mx - x1, my - y1)
        ex, ey = _border_point(x2, y2, mx - x2, my - y2)
        classes = ["edge"]
        if target == Stage.EXITED:
            classes.append("edge-exit")
        if source == current and name in available:
            classes.append("edge-open")
        parts.append(
            f'<path class="{" ".join(classes)}" d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} '
            f'{ex:.1f},{ey:.1f}" marker-end="url(#arrow)"><title>{escape(name.replace("_", " "))}'
            "</title></path>"
        )
    for stage, (x, y) in POSITIONS.items():
        cls = "node node-current" if stage == current else "node"
        label = escape(labels.get(stage, Stage(stage).label))
        parts.append(
            f'<g class="{cls} node-{stage}"><rect x="{x - W / 2}" y="{y - H / 2}" width="{W}" '
            f'height="{H}" rx="19"/><text x="{x}" y="{y + 4}" text-anchor="middle">{label}'
            "</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label above is escaped
