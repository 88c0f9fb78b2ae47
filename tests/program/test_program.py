from __future__ import annotations

import pytest
from django.urls import reverse

from apps.partners.models import Stage
from apps.program.models import (
    PartnerType,
    PlaybookTaskTemplate,
    ProgramSettings,
    StageConfig,
    Tier,
)

pytestmark = pytest.mark.django_db


def test_it_seeds_the_default_program():
    assert set(PartnerType.objects.values_list("key", flat=True)) == {
        "reseller",
        "referral",
        "technology",
        "integrator",
        "oem",
    }
    assert list(Tier.objects.values_list("name", "rank")) == [
        ("Bronze", 1),
        ("Silver", 2),
        ("Gold", 3),
    ]
    assert all(t.protection_days and t.qbr_cadence_months == 3 for t in Tier.objects.all())
    assert set(StageConfig.objects.values_list("stage", flat=True)) == set(Stage.values)
    stages = set(PlaybookTaskTemplate.objects.values_list("stage", flat=True))
    assert stages == {"onboarding", "expansion", "exited"}
    exit_titles = set(
        PlaybookTaskTemplate.objects.filter(stage="exited").values_list("title", flat=True)
    )
    assert exit_titles == {
        "Review the agreement's exit clauses",
        "Customer transition plan",
        "Knowledge transfer",
        "Lessons-learned review",
    }
    s = ProgramSettings.get()
    assert (s.qualification_threshold, s.review_sla_hours, s.max_extensions) == (12, 48, 2)
    assert s.onboarding_reminder_days == [14, 7] and s.base_currency == "USD"


def test_it_reads_the_program_over_the_api(api_for, bob):
    body = api_for(bob).get("/api/v1/program/").json()
    assert body["qualification_threshold"] == 12
    assert {"base_currency", "review_sla_hours", "max_extensions"} <= set(body)


def test_it_lets_only_admins_change_the_program(api_for, alice, bob, charlie):
    assert (
        api_for(bob).patch("/api/v1/program/", {"qualification_threshold": 10}).status_code == 403
    )
    assert api_for(charlie).get("/api/v1/program/").status_code == 403
    response = api_for(alice).patch(
        "/api/v1/program/",
        {"qualification_threshold": 10, "qbr_reminder_days": [7, 2]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert ProgramSettings.get().qualification_threshold == 10
    assert ProgramSettings.get().qbr_reminder_days == [7, 2]


@pytest.mark.parametrize(
    "body",
    [
        {"qualification_threshold": 99},
        {"base_currency": "XAU"},  # not money ("usd", any case, is read as USD)
        {"review_sla_hours": -1},
        {"qbr_reminder_days": ["x"]},
        {"qbr_reminder_days": list(range(1, 30))},
        {"max_extensions": "many"},
    ],
)
def test_it_rejects_bad_program_settings(body, api_for, alice):
    assert api_for(alice).patch("/api/v1/program/", body, format="json").status_code == 400


@pytest.mark.parametrize(
    "name",
    [
        "program:settings",
        "program:stages",
        "program:playbooks",
        "program:partner_types",
        "program:playbook_new",
        "program:partner_type_new",
    ],
)
def test_it_shows_the_program_pages_to_admins_only(name, client_for, alice, bob, charlie):
    assert client_for(alice).get(reverse(name)).status_code == 200
    assert client_for(bob).get(reverse(name)).status_code == 403
    assert client_for(charlie).get(reverse(name)).status_code == 302


def test_it_saves_the_program_settings_form(client_for, alice):
    c = client_for(alice)
    data = {
        "qualification_threshold": "14",
        "base_currency": "USD",
        "review_sla_hours": "24",
        "max_extensions": "1",
        "max_extension_days": "60",
        "onboarding_reminder_days": "7, 14",
        "agreement_reminder_days": "60,30",
        "deal_expiry_reminder_days": "10",
        "qbr_reminder_days": "7",
        "demotion_grace_days": "30",
    }
    assert c.post(reverse("program:settings"), data).status_code == 302
    s = ProgramSettings.get()
    assert (s.qualification_threshold, s.review_sla_hours) == (14, 24)
    assert s.onboarding_reminder_days == [14, 7]
    data["onboarding_reminder_days"] = "soon"
    response = c.post(reverse("program:settings"), data)
    assert response.status_code == 400 and "Whole numbers" in response.content.decode()


def test_it_renames_stages_and_sets_targets(client_for, alice):
    c = client_for(alice)
    response = c.get(reverse("program:stages"))
    formset = response.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(len(formset.forms)),
    }
    for i, form in enumerate(formset.forms):
        data[f"form-{i}-id"] = form.instance.pk
        data[f"form-{i}-display_name"] = form.instance.display_name
        data[f"form-{i}-target_days"] = form.instance.target_days or ""
    growth = next(i for i, f in enumerate(formset.forms) if f.instance.stage == "growth")
    data[f"form-{growth}-display_name"] = "Scale-up"
    data[f"form-{growth}-target_days"] = "200"
    assert c.post(reverse("program:stages"), data).status_code == 302
    config = StageConfig.objects.get(stage="growth")
    assert (config.display_name, config.target_days) == ("Scale-up", 200)


def test_it_edits_playbooks_that_later_partners_get(client_for, alice, bob):
    from apps.partners.services import partner_transition
    from tests.factories import PartnerFactory

    c = client_for(alice)
    response = c.post(
        reverse("program:playbook_new"),
        {
            "stage": "evaluation",
            "title": "Health check survey",
            "owner_side": "partner",
            "due_offset_days": "5",
            "required": "on",
            "order": "1",
        },
    )
    assert response.status_code == 302
    partner = PartnerFactory(stage=Stage.GROWTH)
    partner_transition(partner=partner, name="start_evaluation", actor=bob)
    assert list(partner.tasks.values_list("title", flat=True)) == ["Health check survey"]
    template = PlaybookTaskTemplate.objects.get(title="Health check survey")
    assert c.post(reverse("program:playbook_delete", args=[template.pk])).status_code == 302
    assert partner.tasks.count() == 1  # removing a template never deletes partners' tasks
    assert c.post(reverse("program:playbook_new"), {"stage": "nowhere"}).status_code == 400


def test_it_edits_partner_types(client_for, alice):
    c = client_for(alice)
    oem = PartnerType.objects.get(key="oem")
    response = c.post(
        reverse("program:partner_type_edit", args=[oem.pk]),
        {"key": "oem", "name": "OEM", "onboarding_days": "150"},
    )
    assert response.status_code == 302
    oem.refresh_from_db()
    assert oem.onboarding_days == 150
    response = c.post(
        reverse("program:partner_type_new"), {"key": "oem", "name": "Dup", "onboarding_days": "0"}
    )
    assert response.status_code == 400
