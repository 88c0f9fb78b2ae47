"""`make run`'s demo data: applications in every state, duplicates to find, a funnel to read, and
playbooks whose steps complete themselves."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.applications.funnel import recruitment_funnel
from apps.applications.models import Application, Status
from apps.applications.selectors import duplicates_for
from apps.partners.models import Task
from apps.program.models import CompletingEvent, PlaybookTaskTemplate

pytestmark = pytest.mark.django_db


def test_the_demo_has_applications_in_every_state_and_self_completing_steps():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    received = list(Application.objects.filter(status=Status.RECEIVED))
    found = duplicates_for(received)
    assert any(d["partners"] for d in found.values())  # Northwind applied again
    assert any(d["applications"] for d in found.values())  # Proseware, twice
    steps = {s["key"]: s["count"] for s in recruitment_funnel()}
    assert steps["applied"] == Application.objects.count()
    assert steps["accepted"] == 3 and steps["qualified"] == 2 and steps["onboarded"] == 1
    events = set(PlaybookTaskTemplate.objects.values_list("completed_by", flat=True))
    assert set(CompletingEvent.values) <= events
    assert Task.objects.filter(completes_on=CompletingEvent.PORTAL_SIGN_IN).exists()
