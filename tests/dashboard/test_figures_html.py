"""The figures' part of the dashboard is rendered once per stored snapshot and reader (language,
time zone, "my partners"), not once per view (apps/dashboard/views.py, cache.read_html)."""

from __future__ import annotations

import re

import pytest
from django.test.signals import template_rendered

from apps.dashboard.tasks import refresh
from tests.dashboard.test_snapshot import published  # noqa: F401 — the fixture
from tests.dashboard.test_views import approve_new_deal, populate

pytestmark = pytest.mark.django_db

FIGURES = "dashboard/_figures.html"


@pytest.fixture
def renders():
    """How many times the figures' template is rendered."""
    seen = []

    def note(sender, template, context, **kwargs):
        if template.name == FIGURES:
            seen.append(template.name)

    template_rendered.connect(note)
    yield seen
    template_rendered.disconnect(note)


def figures_part(page) -> str:
    html = page.content.decode()
    return html[
        html.index('<section class="card" aria-labelledby="funnel-h">') : html.index("</main>")
    ]


def pipeline(page) -> str:
    return re.search(r'id="kpi-pipeline">([^<]*)<', page.content.decode()).group(1)


def test_one_snapshot_is_rendered_once_for_every_reader_of_a_language(
    client_for,
    alice,
    bob,
    renders,
    published,  # noqa: F811
):
    populate(3, manager=bob)
    first = client_for(bob).get("/")
    assert len(renders) == 1
    again = client_for(bob).get("/")
    admin = client_for(alice).get("/")
    assert len(renders) == 1  # the same snapshot: kept, not rendered again
    assert figures_part(again) == figures_part(first) == figures_part(admin)
    # and the kept part is the page's: its figures as the context computed them
    assert again.context["funnel"]["total"] == 3
    assert 'id="kpi-pipeline"' in again.content.decode()


def test_a_new_snapshot_is_rendered_anew(client_for, bob, renders, published):  # noqa: F811
    populate(2, manager=bob)
    client = client_for(bob)
    before = pipeline(client.get("/"))
    approve_new_deal(bob)
    assert pipeline(client.get("/")) == before  # the stale snapshot, labelled as updating
    refresh(90, None)  # the worker's job
    after = client.get("/")
    assert pipeline(after) != before
    assert len(renders) == 2


def test_each_language_time_zone_and_my_partners_is_its_own(
    client_for,
    alice,
    bob,
    renders,
    published,  # noqa: F811
):
    populate(2, manager=bob)
    populate(1, manager=alice)
    english = client_for(bob).get("/")
    alice.language = "de"
    alice.save()
    german = client_for(alice).get("/")
    assert "Phasentrichter" in figures_part(german)
    assert "Phasentrichter" not in figures_part(english)
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    client_for(bob).get("/")
    assert len(renders) == 3
    mine_bob = client_for(bob).get("/?mine=1")
    mine_alice = client_for(alice).get("/?mine=1")
    assert len(renders) == 5
    assert (mine_bob.context["funnel"]["total"], mine_alice.context["funnel"]["total"]) == (2, 1)
    # bob's own links ("my partners" filters by his id) never reach another manager's page
    assert f"manager={bob.pk}" in figures_part(mine_bob)
    assert f"manager={bob.pk}" not in figures_part(mine_alice)
