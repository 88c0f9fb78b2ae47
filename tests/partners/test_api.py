from __future__ import annotations

import pytest

from apps.partners.models import Partner, Stage, StageHistory
from apps.partners.services import partner_transition
from tests.factories import AgreementFactory, PartnerFactory, PartnerTypeFactory, TaskFactory
from tests.partners.test_transitions import ALLOWED, REFUSED

pytestmark = pytest.mark.django_db

FIELDS = {
    "id",
    "name",
    "website",
    "partner_type",
    "tier",
    "manager",
    "stage",
    "stage_entered_at",
    "qualification_customer",
    "qualification_credibility",
    "qualification_capability",
    "qualification_commitment",
    "qualification_score",
    "is_qualified",
    "onboarding_due_date",
    "countries",
    "specializations",
    "listed_in_locator",
}


def test_it_lists_partners_with_the_contract_fields(api_for, bob, acme):
    response = api_for(bob).get("/api/v1/partners/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert set(row) == FIELDS
    assert row["partner_type"] == "reseller" and row["stage"] == "recruitment"


def test_it_filters_by_stage_and_search(api_for, bob):
    PartnerFactory(name="Alpha", stage=Stage.GROWTH)
    PartnerFactory(name="Beta", stage=Stage.GROWTH)
    PartnerFactory(name="Gamma", stage=Stage.EXITED)
    c = api_for(bob)
    names = [r["name"] for r in c.get("/api/v1/partners/?stage=growth").json()["results"]]
    assert names == ["Alpha", "Beta"]
    names = [r["name"] for r in c.get("/api/v1/partners/?search=gam").json()["results"]]
    assert names == ["Gamma"]
    assert c.get("/api/v1/partners/?stage=bogus").status_code == 400


def test_it_creates_a_partner_in_recruitment_whatever_stage_is_sent(api_for, bob):
    PartnerTypeFactory(key="oem", onboarding_days=120)
    response = api_for(bob).post(
        "/api/v1/partners/",
        {"name": "Wayne Tech", "partner_type": "oem", "stage": "growth", "manager": bob.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["stage"] == "recruitment"
    assert Partner.objects.get(name="Wayne Tech").stage == Stage.RECRUITMENT


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "partner_type": "reseller"},
        {"name": "X", "partner_type": "nope"},
        {"name": "X"},
        {"name": "X", "partner_type": "reseller", "qualification_customer": 6},
        {"name": "X", "partner_type": "reseller", "website": "not a url"},
        {"name": "X" * 201, "partner_type": "reseller"},
        {"name": "X", "partner_type": "reseller", "manager": 999999},
    ],
)
def test_it_rejects_bad_partner_input_with_400(body, api_for, bob):
    PartnerTypeFactory(key="reseller")
    response = api_for(bob).post("/api/v1/partners/", body, format="json")
    assert response.status_code == 400


def test_it_ignores_a_patch_of_the_stage(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = api_for(bob).patch(
        f"/api/v1/partners/{partner.pk}/", {"stage": "exited", "name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert (partner.stage, partner.name) == (Stage.GROWTH, "Renamed")


def test_it_scores_4c_through_the_api(api_for, bob):
    partner = PartnerFactory()
    response = api_for(bob).patch(
        f"/api/v1/partners/{partner.pk}/",
        {
            "qualification_customer": 5,
            "qualification_credibility": 5,
            "qualification_capability": 1,
            "qualification_commitment": 1,
        },
        format="json",
    )
    assert response.json()["qualification_score"] == 12
    assert response.json()["is_qualified"] is True


def test_it_lists_transitions_with_allowed_and_unmet(api_for, bob):
    partner = PartnerFactory(stage=Stage.RECRUITMENT)
    rows = api_for(bob).get(f"/api/v1/partners/{partner.pk}/transitions/").json()
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {
        "start_onboarding",
        "complete_onboarding",
        "start_evaluation",
        "continue_growth",
        "start_expansion",
        "complete_expansion",
        "exit",
        "reengage",
    }
    assert by_name["exit"]["allowed"] is True
    assert by_name["start_onboarding"]["allowed"] is False
    assert len(by_name["start_onboarding"]["unmet"]) == 2
    assert by_name["reengage"]["unmet"] == ["Not possible while in recruitment."]


def test_it_runs_a_transition_and_answers_the_partner(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = api_for(bob).post(
        f"/api/v1/partners/{partner.pk}/transitions/start_evaluation/",
        {"note": "QBR"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "evaluation"
    assert StageHistory.objects.get(partner=partner).note == "QBR"


def test_it_answers_409_transition_not_allowed(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = api_for(bob).post(f"/api/v1/partners/{partner.pk}/transitions/reengage/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_it_answers_409_conditions_unmet_with_the_list(api_for, bob):
    partner = PartnerFactory(stage=Stage.RECRUITMENT)
    response = api_for(bob).post(f"/api/v1/partners/{partner.pk}/transitions/start_onboarding/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conditions_unmet"
    assert "The partner has no active (signed) agreement." in body["unmet"]


def test_it_answers_400_to_an_exit_without_reason(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    c = api_for(bob)
    response = c.post(f"/api/v1/partners/{partner.pk}/transitions/exit/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = c.post(
        f"/api/v1/partners/{partner.pk}/transitions/exit/", {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert Partner.objects.get(pk=partner.pk).stage == Stage.GROWTH


def test_it_answers_404_to_an_unknown_transition(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    assert api_for(bob).post(f"/api/v1/partners/{partner.pk}/transitions/zap/").status_code == 404


def test_it_returns_history_oldest_first(api_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    partner_transition(partner=partner, name="start_evaluation", actor=bob)
    partner_transition(partner=partner, name="continue_growth", actor=bob, note="fine")
    body = api_for(bob).get(f"/api/v1/partners/{partner.pk}/history/").json()
    rows = body["results"]
    assert [r["transition"] for r in rows] == ["start_evaluation", "continue_growth"]
    assert {"transition", "from_stage", "to_stage", "actor", "note", "reason", "at"} <= set(rows[0])
    assert rows[1]["actor"] == "bob"


def test_it_lists_and_patches_tasks(api_for, bob, charlie):
    partner = charlie.partner
    ours = TaskFactory(partner=partner, owner_side="vendor")
    theirs = TaskFactory(partner=partner, owner_side="partner")
    rows = api_for(bob).get(f"/api/v1/partners/{partner.pk}/tasks/").json()["results"]
    assert {r["id"] for r in rows} == {ours.pk, theirs.pk}
    assert set(rows[0]) == {
        "id",
        "stage",
        "title",
        "description",
        "owner_side",
        "due_date",
        "required",
        "done",
        "done_at",
    }
    c = api_for(charlie)
    response = c.patch(f"/api/v1/tasks/{theirs.pk}/", {"done": True}, format="json")
    assert response.status_code == 200 and response.json()["done"] is True
    response = c.patch(f"/api/v1/tasks/{ours.pk}/", {"done": True}, format="json")
    assert response.status_code == 403
    response = c.patch(f"/api/v1/tasks/{theirs.pk}/", {"title": "hacked"}, format="json")
    theirs.refresh_from_db()
    assert theirs.title != "hacked"
    response = api_for(bob).patch(f"/api/v1/tasks/{ours.pk}/", {"done": True}, format="json")
    assert response.status_code == 200
    response = api_for(bob).patch(f"/api/v1/tasks/{ours.pk}/", {"done": "maybe"}, format="json")
    assert response.status_code == 400


# --- roles and isolation ---------------------------------------------------------------------


def test_it_refuses_partner_users_every_write_with_403(api_for, charlie):
    partner = charlie.partner
    c = api_for(charlie)
    assert c.post("/api/v1/partners/", {"name": "x"}, format="json").status_code == 403
    assert (
        c.patch(f"/api/v1/partners/{partner.pk}/", {"name": "y"}, format="json").status_code == 403
    )
    response = c.post(f"/api/v1/partners/{partner.pk}/transitions/exit/", {"reason": "x"})
    assert response.status_code == 403
    assert c.get(f"/api/v1/partners/{partner.pk}/history/").status_code == 403
    assert Partner.objects.get(pk=partner.pk).stage == Stage.RECRUITMENT


def test_it_shows_a_partner_user_only_their_own_company(api_for, charlie, dave):
    c = api_for(charlie)
    rows = c.get("/api/v1/partners/").json()["results"]
    assert [r["id"] for r in rows] == [charlie.partner_id]
    other = dave.partner
    assert c.get(f"/api/v1/partners/{other.pk}/").status_code == 404
    assert c.get(f"/api/v1/partners/{other.pk}/tasks/").status_code == 404
    assert c.get(f"/api/v1/partners/{other.pk}/transitions/").status_code == 404


def test_it_hides_another_partners_tasks_with_404(api_for, charlie, dave):
    task = TaskFactory(partner=dave.partner, owner_side="partner")
    c = api_for(charlie)
    assert c.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert c.patch(f"/api/v1/tasks/{task.pk}/", {"done": True}, format="json").status_code == 404
    task.refresh_from_db()
    assert not task.done


def test_it_shuts_out_an_exited_partners_users(api_for, bob, charlie):
    partner = charlie.partner
    partner_transition(partner=partner, name="exit", actor=bob, reason="Over")
    charlie.refresh_from_db()
    assert api_for(charlie).get("/api/v1/partners/").status_code == 403


def test_it_needs_authentication(api_for, acme):
    assert api_for(None).get("/api/v1/partners/").status_code == 401


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_partners_in_constant_queries(n, api_for, bob, django_assert_num_queries):
    for _ in range(n):
        AgreementFactory(partner=PartnerFactory(manager=bob))
    c = api_for(bob)
    # count, page (with type, tier, manager joined), program settings (threshold, once)
    with django_assert_num_queries(3):
        assert c.get("/api/v1/partners/?page_size=200").status_code == 200


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_history_and_tasks_in_constant_queries(n, api_for, bob, django_assert_num_queries):
    partner = PartnerFactory(stage=Stage.GROWTH)
    for _ in range(n):
        TaskFactory(partner=partner)
        StageHistory.objects.create(
            partner=partner,
            transition="x",
            from_stage="growth",
            to_stage="growth",
            actor=bob,
            at=partner.stage_entered_at,
        )
    c = api_for(bob)
    # partner, count, page (actor joined)
    with django_assert_num_queries(3):
        c.get(f"/api/v1/partners/{partner.pk}/history/?page_size=200")
    with django_assert_num_queries(3):
        c.get(f"/api/v1/partners/{partner.pk}/tasks/?page_size=200")


@pytest.mark.parametrize(("name", "stage"), REFUSED)
def test_it_answers_409_for_each_transition_from_a_wrong_stage(name, stage, api_for, bob):
    partner = PartnerFactory(stage=stage)
    response = api_for(bob).post(
        f"/api/v1/partners/{partner.pk}/transitions/{name}/", {"reason": "r"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert Partner.objects.get(pk=partner.pk).stage == stage


@pytest.mark.parametrize(("name", "stage"), ALLOWED)
def test_it_runs_each_transition_through_the_api(name, stage, api_for, bob):
    from tests.partners.test_transitions import TARGETS, ready_partner

    partner = ready_partner(stage)
    response = api_for(bob).post(
        f"/api/v1/partners/{partner.pk}/transitions/{name}/", {"reason": "r"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == TARGETS[name]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "N\x00ul", "partner_type": "reseller"},
        {"name": "X", "partner_type": "res\x00eller"},
        {"name": "X", "partner_type": "reseller", "manager": 2**70},
        {"name": "X", "partner_type": "reseller", "tier": -(2**70)},
        {"name": "X", "partner_type": "reseller", "qualification_customer": 2**70},
        {"name": "X", "partner_type": "r" * 10_000},
        {"name": "X", "partner_type": ["reseller"]},
        {"name": {"a": 1}, "partner_type": "reseller"},
        {"name": "X", "partner_type": "reseller", "website": "http://\x00.example"},
    ],
)
def test_it_answers_400_never_500_to_hostile_partner_input(body, api_for, bob):
    PartnerTypeFactory(key="reseller")
    response = api_for(bob).post("/api/v1/partners/", body, format="json")
    assert response.status_code == 400


def test_it_survives_hostile_query_parameters(api_for, bob, acme):
    c = api_for(bob)
    assert c.get("/api/v1/partners/", {"search": "a\x00b"}).status_code == 200
    assert c.get("/api/v1/partners/", {"stage": "\x00"}).status_code == 400
    assert c.get(f"/api/v1/partners/{2**70}/").status_code == 404
    assert c.get("/api/v1/agreements/", {"partner": "9" * 40}).status_code == 200
