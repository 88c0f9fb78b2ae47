from __future__ import annotations

import pytest
from django.urls import reverse

from apps.partners.models import Partner, Stage
from apps.partners.services import partner_transition
from tests.factories import AgreementFactory, TaskFactory

pytestmark = pytest.mark.django_db


def onboarding(partner) -> Partner:
    Partner.objects.filter(pk=partner.pk).update(stage=Stage.ONBOARDING)
    partner.refresh_from_db()
    return partner


def test_it_shows_the_onboarding_checklist_with_progress(client_for, charlie):
    partner = onboarding(charlie.partner)
    TaskFactory(partner=partner, title="Product training", done=True)
    TaskFactory(partner=partner, title="Kickoff call", owner_side="vendor")
    response = client_for(charlie).get(reverse("portal:tasks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Product training" in html and "Kickoff call" in html
    assert "1 of 2 required steps done" in html
    assert "Done by your partner manager" in html


def test_it_lets_the_partner_complete_and_reopen_its_own_tasks(client_for, charlie):
    partner = onboarding(charlie.partner)
    task = TaskFactory(partner=partner, owner_side="partner")
    c = client_for(charlie)
    url = reverse("portal:task_toggle", args=[task.pk])
    assert c.post(url, {"done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_by == charlie
    response = c.post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'id="portal-tasks"' in response.content
    task.refresh_from_db()
    assert not task.done


def test_it_refuses_the_partner_our_tasks(client_for, charlie):
    partner = onboarding(charlie.partner)
    task = TaskFactory(partner=partner, owner_side="vendor")
    response = client_for(charlie).post(
        reverse("portal:task_toggle", args=[task.pk]), {"done": "1"}, follow=True
    )
    assert "ours to do" in response.content.decode()
    task.refresh_from_db()
    assert not task.done


def test_it_hides_another_partners_tasks(client_for, charlie, dave):
    theirs = TaskFactory(partner=onboarding(dave.partner), title="Globex secret task")
    c = client_for(charlie)
    assert b"Globex secret task" not in c.get(reverse("portal:tasks")).content
    assert c.post(reverse("portal:task_toggle", args=[theirs.pk]), {"done": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.done


def test_it_shows_onboarding_progress_on_the_portal_home(client_for, bob, charlie):
    partner = charlie.partner
    Partner.objects.filter(pk=partner.pk).update(
        qualification_customer=5,
        qualification_credibility=5,
        qualification_capability=5,
        qualification_commitment=5,
    )
    partner.refresh_from_db()
    AgreementFactory(partner=partner, status="active")
    partner_transition(partner=partner, name="start_onboarding", actor=bob)
    html = client_for(charlie).get(reverse("portal:home")).content.decode()
    assert "Your onboarding" in html
    # charlie's sign-in completed "Portal access" by itself (apps/onboarding/receivers.py)
    assert f"1 of {partner.tasks.filter(required=True).count()} required steps done" in html


def test_it_closes_the_portal_once_the_partner_exited(client_for, bob, charlie):
    partner_transition(partner=charlie.partner, name="exit", actor=bob, reason="Ended")
    c = client_for(charlie)
    assert c.get(reverse("portal:tasks")).status_code == 403
    assert c.get(reverse("portal:agreements")).status_code == 403


def test_it_keeps_staff_out_of_the_portal_pages(client_for, bob):
    assert client_for(bob).get(reverse("portal:tasks")).status_code == 302


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_portal_tasks_in_constant_queries(
    n, client_for, charlie, django_assert_num_queries
):
    partner = onboarding(charlie.partner)
    TaskFactory.create_batch(n, partner=partner)
    c = client_for(charlie)
    # session, user with its partner, latest onboarding visit, its tasks, current-stage tasks
    with django_assert_num_queries(5):
        assert c.get(reverse("portal:tasks")).status_code == 200
