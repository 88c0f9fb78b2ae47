"""The partner pages say nothing the partner's stage contradicts (issue 23): an onboarding due
date only while onboarding runs, no way to the next tier for an exited partner, and no reopening
of a finished stage's tasks — refused by the server too, not only hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.partners.models import Stage
from tests.factories import PartnerFactory, TaskFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.localdate() - timedelta(days=400)


def _page(client, partner) -> str:
    return client.get(reverse("partners:detail", args=[partner.pk])).content.decode()


def test_the_onboarding_due_date_shows_only_while_onboarding(client_for, bob):
    past = PartnerFactory(
        name="Long Past",
        stage=Stage.GROWTH,
        onboarding_due_date=LONG_AGO,
        onboarding_completed_at=timezone.now() - timedelta(days=380),
    )
    onboarding = PartnerFactory(
        name="Onboarding Now",
        stage=Stage.ONBOARDING,
        onboarding_due_date=timezone.localdate() + timedelta(days=30),
    )
    c = client_for(bob)

    html = _page(c, past)
    assert "Onboarding due" not in html and "Onboarding completed" in html
    assert "Onboarding due" in _page(c, onboarding)

    rows = {
        row["partner"].name: row["partner"].onboarding_due
        for row in c.get(reverse("partners:list")).context["rows"]
    }
    assert rows == {"Long Past": None, "Onboarding Now": onboarding.onboarding_due_date}
    assert LONG_AGO.strftime("%b %-d, %Y") not in c.get(reverse("partners:list")).content.decode()


def test_an_exited_partner_shows_no_way_to_the_next_tier(client_for, bob):
    active = PartnerFactory(stage=Stage.GROWTH)
    exited = PartnerFactory(stage=Stage.EXITED)
    c = client_for(bob)
    assert 'class="tier-progress"' in _page(c, active)
    html = _page(c, exited)
    assert 'class="tier-progress"' not in html and "Toward " not in html


def _finished_onboarding(bob):
    partner = PartnerFactory(stage=Stage.ONBOARDING, manager=bob)
    task = TaskFactory(
        partner=partner,
        title="Kickoff call",
        done=True,
        done_at=timezone.now(),
        owner_side="vendor",
    )
    # Onboarding completed: the partner is in growth, in a new stay.
    partner.__class__.objects.filter(pk=partner.pk).update(
        stage=Stage.GROWTH, stage_entered_at=timezone.now() + timedelta(seconds=1)
    )
    partner.refresh_from_db()
    return partner, task


def test_a_finished_onboardings_tasks_offer_no_reopen(client_for, bob):
    partner, task = _finished_onboarding(bob)
    current = TaskFactory(partner=partner, title="Growth plan", done=True, done_at=timezone.now())
    html = _page(client_for(bob), partner)
    assert f"Reopen {task.title}" not in html
    assert f"Reopen {current.title}" in html  # the present stay's tasks may be reopened


def test_the_server_refuses_to_reopen_a_finished_onboardings_task(client_for, api_for, bob):
    partner, task = _finished_onboarding(bob)
    url = reverse("partners:task_toggle", args=[partner.pk, task.pk])

    r = client_for(bob).post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 409
    assert "which is over" in r.content.decode()
    r = client_for(bob).post(url, {"done": "0"}, follow=True)
    assert "which is over" in r.content.decode()

    r = api_for(bob).patch(f"/api/v1/tasks/{task.pk}/", {"done": False}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    task.refresh_from_db()
    assert task.done
