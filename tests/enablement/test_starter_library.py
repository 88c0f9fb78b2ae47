"""The starter library the data migration ships: every template the issue names, real content,
tagged with its phase and audience, and the chains of the default playbooks."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps

from apps.enablement.models import PlaybookLink, Resource
from apps.enablement.starter_library import CHAINS, starter_files

NAMED = {
    "strategy": [
        "business case", "ideal partner profile", "4c", "competitive differentiation",
        "strategy plan", "program architecture", "internal alignment", "exit checklist",
    ],
    "recruitment": [
        "outreach e-mail", "engagement cadence", "qualification framework", "discovery call",
        "pitch", "one-pager", "proposal", "agreement", "onboarding checklist",
        "customer-overlap",
    ],
    "enablement": [
        "enablement roadmap", "training deck", "certification program", "co-marketing",
        "technical integration", "success metrics", "qbr template",
    ],
}  # fmt: skip


@pytest.fixture
def starter(db):
    Resource.objects.all().delete()
    import_module("apps.enablement.migrations.0002_starter_library").seed(apps, None)
    return list(Resource.objects.all())


def test_every_named_template_ships_with_real_content(starter):
    titles = [r.title.lower() for r in starter]
    for group, names in NAMED.items():
        for name in names:
            assert any(name in title for title in titles), f"{group}: {name} missing"
    for resource in starter:
        words = len(re.findall(r"\w+", resource.body))
        assert 150 <= words <= 450, (resource.title, words)
        assert resource.published and resource.phase and resource.tags
        assert "lorem" not in resource.body.lower() and "todo" not in resource.body.lower()


def test_templates_use_only_known_merge_fields(starter):
    from apps.enablement.merge import FIELDS, fields_used

    for resource in starter:
        assert set(fields_used(resource.body)) <= set(FIELDS), resource.title
        if fields_used(resource.body):
            assert resource.is_template, resource.title


def test_the_default_playbooks_link_their_chains(starter):
    for stage, chain in CHAINS.items():
        links = list(PlaybookLink.objects.filter(stage=stage).select_related("resource"))
        files = starter_files()
        assert [link.resource.title for link in links] == [files[s]["title"] for s, _ in chain]
        for link, (_, task) in zip(links, chain, strict=True):
            assert (link.task_template.title if link.task_template else None) == task


def test_the_seed_runs_twice_without_duplicates(starter):
    import_module("apps.enablement.migrations.0002_starter_library").seed(apps, None)
    assert Resource.objects.count() == len(starter) == len(starter_files())
