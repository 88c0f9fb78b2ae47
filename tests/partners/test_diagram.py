from __future__ import annotations

from apps.partners.diagram import lifecycle_svg, machine_edges
from apps.partners.models import Stage
from tests.partners.test_transitions import SOURCES, TARGETS


def test_it_draws_every_edge_of_the_state_machine():
    expected = {(s, TARGETS[name], name) for name, sources in SOURCES.items() for s in sources}
    assert set(machine_edges()) == expected


def test_it_highlights_the_current_stage_and_escapes_names():
    labels = {s.value: s.label for s in Stage}
    labels["growth"] = "<Grow & win>"
    svg = lifecycle_svg("growth", labels, {"start_evaluation"})
    assert 'class="node node-current node-growth"' in svg
    assert "&lt;Grow &amp; win&gt;" in svg and "<Grow" not in svg
    assert svg.count("edge-open") == 1
    assert svg.count("<path class=") == len(machine_edges())
