"""Playbook steps that complete themselves: each completing event ticks off the right task of
the right partner, once; a manager still ticks and unticks by hand; every page counts the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.agreements.services import agreement_transition
from apps.deals.services import registration_create
from apps.partners.models import Stage, Task
from apps.partners.services import instantiate_playbook, task_set_done
from apps.program.models import CompletingEvent, PlaybookTaskTemplate
from tests.core.test_domain_events import registration_input
from tests.factories import PASSWORD, AgreementFactory, PartnerFactory, PartnerUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db, bob):
    partner = PartnerFactory(name="Acme Resellers", stage=Stage.ONBOARDING, manager=bob)
    instantiate_playbook(partner=partner, now=timezone.now())
    return partner


@pytest.fixture
def globex(db, bob):
    partner = PartnerFactory(name="Globex Integrators", stage=Stage.ONBOARDING, manager=bob)
    instantiate_playbook(partner=partner, now=timezone.now())
    return partner


def task(partner, title) -> Task:
    return Task.objects.get(partner=partner, stage=Stage.ONBOARDING, title=title)


def done_titles(partner) -> set[str]:
    return set(Task.objects.filter(partner=partner, done=True).values_list("title", flat=True))


def sign_in(username: str) -> None:
    """Signs in through the sign-in page, as a person does (Django's user_logged_in)."""
    r = Client().post(reverse("login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.content


def valid_registration(domain="initech.com") -> dict:
    return {**registration_input(), "customer_domain": domain}


def test_the_default_playbook_names_its_completing_events():
    events = dict(
        PlaybookTaskTemplate.objects.filter(stage=Stage.ONBOARDING).values_list(
            "title", "completed_by"
        )
    )
    assert events["Portal access"] == CompletingEvent.PORTAL_SIGN_IN
    assert events["First deal registration"] == CompletingEvent.REGISTRATION_SUBMITTED
    assert events["Kickoff call"] == ""


def test_it_copies_the_completing_event_to_the_partners_tasks(acme):
    assert task(acme, "Portal access").completes_on == CompletingEvent.PORTAL_SIGN_IN
    assert task(acme, "Product training").completes_on == ""


def test_the_first_portal_sign_in_completes_portal_access_once_for_that_partner_only(acme, globex):
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    PartnerUserFactory(username="dave", partner=globex)
    sign_in("charlie")
    portal = task(acme, "Portal access")
    assert portal.done and portal.completed_by_event == CompletingEvent.PORTAL_SIGN_IN
    assert portal.done_by is None and portal.done_at is not None
    assert done_titles(acme) == {"Portal access"}
    assert done_titles(globex) == set()
    first_done_at = portal.done_at
    # A second sign-in (another user of Acme, or charlie again) changes nothing.
    PartnerUserFactory(username="erin", partner=acme)
    sign_in("erin")
    sign_in("charlie")
    assert task(acme, "Portal access").done_at == first_done_at
    assert charlie.partner_id == acme.pk


def test_a_staff_sign_in_completes_nothing(acme, bob):
    sign_in("bob")
    assert done_titles(acme) == set()


def test_the_first_registration_completes_first_deal_registration_once(
    acme, globex, django_capture_on_commit_callbacks
):
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(partner=acme, submitted_by=charlie, data=valid_registration())
    first = task(acme, "First deal registration")
    assert first.done and first.completed_by_event == CompletingEvent.REGISTRATION_SUBMITTED
    assert done_titles(acme) == {"First deal registration"}
    assert done_titles(globex) == set()
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(
            partner=acme, submitted_by=charlie, data=valid_registration("globochem.com")
        )
    assert task(acme, "First deal registration").done_at == first.done_at


def test_a_rolled_back_registration_completes_nothing(acme, django_capture_on_commit_callbacks):
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration_create(partner=acme, submitted_by=charlie, data=valid_registration())
    assert callbacks  # the announcement waits for the commit that never comes here
    assert done_titles(acme) == set()


def test_a_signed_agreement_completes_the_task_waiting_for_it(
    acme, globex, bob, django_capture_on_commit_callbacks
):
    PlaybookTaskTemplate.objects.create(
        stage=Stage.ONBOARDING,
        title="Sign the marketing addendum",
        owner_side="partner",
        completed_by=CompletingEvent.AGREEMENT_SIGNED,
        order=99,
    )
    for partner in (acme, globex):
        Task.objects.filter(partner=partner).delete()
        instantiate_playbook(partner=partner, now=timezone.now())
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    agreement = AgreementFactory(partner=acme, status="sent")
    with django_capture_on_commit_callbacks(execute=True):
        agreement_transition(
            agreement=agreement, name="sign", actor=charlie, signed_by_name="Charlie Brown"
        )
    signed = task(acme, "Sign the marketing addendum")
    assert signed.done and signed.completed_by_event == CompletingEvent.AGREEMENT_SIGNED
    assert done_titles(acme) == {"Sign the marketing addendum"}
    assert done_titles(globex) == set()


def test_an_event_leaves_an_earlier_visits_tasks_alone(acme):
    old = task(acme, "Portal access")
    acme.stage_entered_at = timezone.now() + timedelta(minutes=1)  # a later visit of the stage
    acme.save(update_fields=["stage_entered_at"])
    PartnerUserFactory(username="charlie", partner=acme)
    sign_in("charlie")
    old.refresh_from_db()
    assert not old.done


def test_a_manager_can_untick_and_tick_an_auto_completed_task(acme, bob):
    PartnerUserFactory(username="charlie", partner=acme)
    sign_in("charlie")
    portal = task(acme, "Portal access")
    task_set_done(task=portal, done=False, actor=bob)
    portal.refresh_from_db()
    assert not portal.done and portal.completed_by_event == "" and portal.done_at is None
    task_set_done(task=portal, done=True, actor=bob)
    portal.refresh_from_db()
    assert portal.done and portal.done_by == bob and portal.completed_by_event == ""


def test_the_portal_and_the_manager_pages_count_the_same_steps(acme, bob, client_for):
    charlie = PartnerUserFactory(username="charlie", partner=acme)
    portal, manager = client_for(charlie), client_for(bob)  # charlie's sign-in: portal access
    # Three more steps done, the optional celebration among them: shown, never counted.
    for title in ("Kickoff call", "Product training", "Onboarding milestone celebration"):
        Task.objects.filter(partner=acme, title=title).update(done=True)
    required = Task.objects.filter(partner=acme, required=True).count()
    assert Task.objects.filter(partner=acme).count() == required + 1
    expected = f"3 of {required} required steps done"
    pages = [
        portal.get(reverse("portal:home")),
        portal.get(reverse("portal:tasks")),
        manager.get(reverse("partners:detail", args=[acme.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert expected in page.content.decode(), page.wsgi_request.path
    overview = manager.get(reverse("onboarding:overview")).content.decode()
    assert f"3 / {required} required tasks" in overview


def test_the_migration_ticks_off_what_already_happened_before_tasks_completed_themselves(
    acme, globex
):
    from importlib import import_module

    from django.apps import apps

    from tests.deals.factories import RegistrationFactory

    Task.objects.update(completes_on="")  # tasks made before this issue
    user = PartnerUserFactory(username="charlie", partner=acme)
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())
    RegistrationFactory(partner=acme, submitted_at=timezone.now())
    RegistrationFactory(  # before this onboarding began: it does not count
        partner=globex, submitted_at=globex.stage_entered_at - timedelta(days=1)
    )
    migration = import_module("apps.onboarding.migrations.0001_existing_tasks_complete_themselves")
    migration.forwards(apps, None)
    assert done_titles(acme) == {"Portal access", "First deal registration"}
    assert task(acme, "First deal registration").completed_by_event == "registration_submitted"
    assert done_titles(globex) == set()
    assert task(globex, "Portal access").completes_on == CompletingEvent.PORTAL_SIGN_IN
