"""Histories show each step in words — the transition's label — never its method name, on every
page that shows one; the API keeps the machine names (issue 23)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.transitions import names
from apps.deals.models import DealRegistration, RegistrationEvent, Status
from apps.deals.services import registration_transition
from apps.funds.models import FundRequest, FundRequestEvent
from apps.partners.models import Partner, Stage, StageHistory
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

# Each history model, the machine it records, and the names its services write besides the
# machine's transitions.
HISTORIES = [
    (RegistrationEvent, DealRegistration, "status"),
    (StageHistory, Partner, "stage"),
    (FundRequestEvent, FundRequest, "status"),
]


def _timeline(html: str) -> str:
    found = re.findall(r'<ol class="(?:timeline|history)">.*?</ol>', html, re.S)
    assert found, "no history on the page"
    return "".join(found)


def _raw_names(model, field: str, others) -> set[str]:
    return set(names(model, field)) | set(others or {})


@pytest.mark.parametrize(("history", "machine", "field"), HISTORIES)
def test_every_recorded_step_has_a_written_label(history, machine, field):
    for t in machine._meta.get_field(field).get_all_transitions(machine):
        assert t.custom.get("label"), f"{machine.__name__}.{t.name} has no custom label"
    others = getattr(history, "OTHER_ENTRIES", {})
    for name in _raw_names(machine, field, others):
        label = str(history(transition=name).transition_label)
        assert label and label != name and "_" not in label, (history.__name__, name, label)


def test_the_registration_page_shows_labels_not_method_names(client_for, bob):
    reg = RegistrationFactory(partner=PartnerFactory(stage=Stage.GROWTH, manager=bob))
    RegistrationEvent.objects.create(
        registration=reg, transition="submit", to_status=Status.SUBMITTED
    )
    registration_transition(registration=reg, name="approve", actor=bob)
    registration_transition(registration=reg, name="extend", actor=bob, days=10)
    for name in ("request_extension", "decline_extension"):
        RegistrationEvent.objects.create(
            registration=reg, transition=name, from_status="approved", to_status="approved"
        )

    html = _timeline(client_for(bob).get(reverse("deals:detail", args=[reg.pk])).content.decode())

    assert "Extend protection" in html and "Submitted" in html
    for raw in _raw_names(DealRegistration, "status", RegistrationEvent.OTHER_ENTRIES):
        assert not re.search(rf"\b{raw}\b", html), raw
    assert "· extend" not in html


def test_the_partner_page_shows_labels_not_method_names(client_for, bob):
    partner = PartnerFactory(stage=Stage.RECRUITMENT, manager=bob)
    now = timezone.now()
    steps = [
        ("start_onboarding", "recruitment", "onboarding"),
        ("complete_onboarding", "onboarding", "growth"),
        ("start_evaluation", "growth", "evaluation"),
        ("continue_growth", "evaluation", "growth"),
        ("start_evaluation", "growth", "evaluation"),
        ("start_expansion", "evaluation", "expansion"),
        ("complete_expansion", "expansion", "growth"),
        ("exit", "growth", "exited"),
        ("reengage", "exited", "recruitment"),
    ]
    for name, source, target in steps:
        StageHistory.objects.create(
            partner=partner, transition=name, from_stage=source, to_stage=target, at=now
        )

    html = _timeline(
        client_for(bob).get(reverse("partners:detail", args=[partner.pk])).content.decode()
    )

    assert "Continue growth" in html and "Re-engage" in html
    for raw in names(Partner, "stage"):
        assert not re.search(rf"\b{raw}\b", html.replace("Exit partner", "")), raw


def test_the_api_keeps_the_machine_names(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH, manager=bob)
    StageHistory.objects.create(
        partner=partner,
        transition="start_evaluation",
        from_stage="growth",
        to_stage="evaluation",
        at=timezone.now(),
    )

    history = api_for(bob).get(f"/api/v1/partners/{partner.pk}/history/").json()
    assert [h["transition"] for h in history["results"]] == ["start_evaluation"]
