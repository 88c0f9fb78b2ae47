from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.partners.models import Partner, Stage, StageHistory
from apps.partners.services import partner_transition
from tests.factories import (
    AgreementFactory,
    PartnerFactory,
    PartnerTypeFactory,
    TaskFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


def qualified(**kwargs) -> Partner:
    return PartnerFactory(
        qualification_customer=4,
        qualification_credibility=4,
        qualification_capability=4,
        qualification_commitment=4,
        **kwargs,
    )


def test_it_lists_partners_with_stage_and_days(client_for, bob):
    PartnerFactory(name="Umbrella", stage=Stage.GROWTH)
    response = client_for(bob).get(reverse("partners:list"))
    assert response.status_code == 200
    assert b"Umbrella" in response.content
    assert b"stage-growth" in response.content


def test_it_searches_filters_and_sorts(client_for, bob):
    gold = TierFactory(name="Goldish", rank=50)
    oem = PartnerTypeFactory(key="oem", name="OEM", onboarding_days=120)
    PartnerFactory(name="Alpha Reseller", stage=Stage.GROWTH, tier=gold, manager=bob)
    PartnerFactory(name="Beta OEM", stage=Stage.RECRUITMENT, partner_type=oem)
    PartnerFactory(name="Gamma", stage=Stage.GROWTH)
    c = client_for(bob)

    def names(**params):
        response = c.get(reverse("partners:list"), params)
        assert response.status_code == 200
        return [row["partner"].name for row in response.context["rows"]]

    assert names(search="beta") == ["Beta OEM"]
    assert names(stage="growth") == ["Alpha Reseller", "Gamma"]
    assert names(partner_type="oem") == ["Beta OEM"]
    assert names(tier=gold.pk) == ["Alpha Reseller"]
    assert names(manager=bob.pk) == ["Alpha Reseller"]
    assert names(sort="-name") == ["Gamma", "Beta OEM", "Alpha Reseller"]


def test_it_refuses_nonsense_filters_without_failing(client_for, bob):
    PartnerFactory(name="Alpha")
    response = client_for(bob).get(
        reverse("partners:list"),
        {"stage": "nope", "tier": "x", "manager": "9999999999999", "sort": "zzz", "page": "-1"},
    )
    assert response.status_code == 400 and response.context["rows"] == []
    assert client_for(bob).get(reverse("partners:list"), {"page": "-1"}).status_code == 200


def test_it_paginates_the_list(client_for, bob):
    PartnerFactory.create_batch(30)
    response = client_for(bob).get(reverse("partners:list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


def test_it_returns_the_table_alone_to_htmx(client_for, bob):
    PartnerFactory(name="Alpha")
    response = client_for(bob).get(reverse("partners:list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b'id="partner-table"' in response.content


def test_it_shows_the_board_with_days_against_target(client_for, bob):
    from apps.program.models import StageConfig

    StageConfig.objects.update_or_create(
        stage="onboarding", defaults={"display_name": "Onboarding", "target_days": 30}
    )
    PartnerFactory(
        name="Late Co", stage=Stage.ONBOARDING, stage_entered_at=timezone.now() - timedelta(45)
    )
    PartnerFactory(name="Fresh Co", stage=Stage.ONBOARDING)
    response = client_for(bob).get(reverse("partners:board"))
    assert response.status_code == 200
    col = next(c for c in response.context["columns"] if c["stage"] == "onboarding")
    assert col["count"] == 2
    cards = {c["partner"].name: c for c in col["cards"]}
    assert cards["Late Co"]["over"] and cards["Late Co"]["days"] == 45
    assert not cards["Fresh Co"]["over"]
    assert b"over the 30-day target" in response.content


def test_it_shows_the_partner_page_with_diagram_and_open_transitions(client_for, bob):
    partner = PartnerFactory(name="Initech", stage=Stage.GROWTH)
    response = client_for(bob).get(reverse("partners:detail", args=[partner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="lifecycle"' in html
    assert 'class="node node-current node-growth"' in html
    # The loop: growth → evaluation and evaluation → growth are both drawn.
    assert html.count("<title>start evaluation</title>") == 1
    assert html.count("<title>continue growth</title>") == 1
    names = [r["name"] for r in response.context["transition_rows"]]
    assert names == ["start_evaluation", "exit"]


def test_it_explains_unmet_conditions_in_words(client_for, bob):
    partner = PartnerFactory(stage=Stage.RECRUITMENT)
    response = client_for(bob).get(reverse("partners:detail", args=[partner.pk]))
    html = response.content.decode()
    assert "The partner is not qualified" in html
    assert "The partner has no active (signed) agreement." in html
    row = next(r for r in response.context["transition_rows"] if r["name"] == "start_onboarding")
    assert not row["allowed"]


def test_it_runs_a_transition_without_javascript(client_for, bob):
    partner = qualified(stage=Stage.RECRUITMENT)
    AgreementFactory(partner=partner, status="active")
    response = client_for(bob).post(
        reverse("partners:transition", args=[partner.pk, "start_onboarding"]),
        {"note": "Signed at the summit", "from_stage": "recruitment"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.stage == Stage.ONBOARDING
    row = StageHistory.objects.get(partner=partner)
    assert (row.actor, row.note) == (bob, "Signed at the summit")


def test_it_runs_a_transition_in_place_with_htmx(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = client_for(bob).post(
        reverse("partners:transition", args=[partner.pk, "start_evaluation"]),
        {"from_stage": "growth"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b'id="partner-page"' in response.content and b"<html" not in response.content
    partner.refresh_from_db()
    assert partner.stage == Stage.EVALUATION


def test_it_shows_the_missing_exit_reason_next_to_the_field(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = client_for(bob).post(
        reverse("partners:transition", args=[partner.pk, "exit"]),
        {"from_stage": "growth", "reason": ""},
    )
    assert response.status_code == 400
    assert "Say why the partnership ends." in response.content.decode()
    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH


def test_it_refuses_a_transition_from_a_stale_page(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    partner_transition(partner=partner, name="start_evaluation", actor=bob)
    response = client_for(bob).post(
        reverse("partners:transition", args=[partner.pk, "exit"]),
        {"from_stage": "growth", "reason": "old page"},
    )
    assert response.status_code == 409
    assert "meanwhile" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).stage == Stage.EVALUATION


def test_it_refuses_an_impossible_transition_with_409(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    response = client_for(bob).post(
        reverse("partners:transition", args=[partner.pk, "reengage"]), {"from_stage": "growth"}
    )
    assert response.status_code == 409
    assert "not possible while in growth" in response.content.decode()


def test_it_answers_404_for_an_unknown_transition_or_partner(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    c = client_for(bob)
    assert c.post(reverse("partners:transition", args=[partner.pk, "explode"])).status_code == 404
    assert c.get(reverse("partners:detail", args=[999999])).status_code == 404


def test_it_saves_the_4c_scores(client_for, bob):
    partner = PartnerFactory()
    response = client_for(bob).post(
        reverse("partners:qualification", args=[partner.pk]),
        {
            "q-qualification_customer": "5",
            "q-qualification_credibility": "4",
            "q-qualification_capability": "3",
            "q-qualification_commitment": "2",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.qualification_score == 14
    assert partner.is_qualified


def test_it_rejects_a_score_out_of_range(client_for, bob):
    partner = PartnerFactory()
    response = client_for(bob).post(
        reverse("partners:qualification", args=[partner.pk]), {"q-qualification_customer": "9"}
    )
    assert response.status_code == 400
    partner.refresh_from_db()
    assert partner.qualification_customer is None


def test_it_completes_and_reopens_a_task_from_the_partner_page(client_for, bob):
    partner = PartnerFactory(stage=Stage.ONBOARDING)
    task = TaskFactory(partner=partner, owner_side="vendor")
    c = client_for(bob)
    url = reverse("partners:task_toggle", args=[partner.pk, task.pk])
    assert c.post(url, {"done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_by == bob and task.done_at
    c.post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    task.refresh_from_db()
    assert not task.done and task.done_at is None


def test_it_creates_and_edits_a_partner(client_for, bob):
    reseller = PartnerTypeFactory(key="reseller")
    c = client_for(bob)
    response = c.post(
        reverse("partners:create"),
        {
            "name": "Hooli",
            "website": "https://hooli.example",
            "partner_type": reseller.pk,
            "manager": bob.pk,
        },
    )
    partner = Partner.objects.get(name="Hooli")
    assert response.status_code == 302
    assert partner.stage == Stage.RECRUITMENT and partner.manager == bob
    response = c.post(
        reverse("partners:edit", args=[partner.pk]),
        {"name": "Hooli XYZ", "website": "", "partner_type": reseller.pk, "stage": "growth"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Hooli XYZ" and partner.stage == Stage.RECRUITMENT


def test_it_shows_errors_next_to_fields_on_create(client_for, bob):
    response = client_for(bob).post(reverse("partners:create"), {"name": "", "website": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field field-text has-error"' in html  # the name, marked beside its error
    assert 'id="id_name_error"' in html
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["partners:list", "partners:board", "partners:create"],
)
def test_it_keeps_partner_users_out_of_the_main_app(url, client_for, charlie):
    response = client_for(charlie).get(reverse(url))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_it_keeps_partner_users_out_of_partner_pages_and_actions(client_for, charlie, dave):
    own, other = charlie.partner, dave.partner
    c = client_for(charlie)
    for partner in (own, other):
        assert c.get(reverse("partners:detail", args=[partner.pk])).status_code == 302
        response = c.post(
            reverse("partners:transition", args=[partner.pk, "exit"]),
            {"from_stage": "recruitment", "reason": "x"},
        )
        assert response.status_code == 302
    assert Partner.objects.get(pk=other.pk).stage == Stage.RECRUITMENT


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("partners:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- query counts: constant whatever the number of partners ----------------------------------


def _populate(n: int, manager):
    for i in range(n):
        stage = list(Stage)[i % 6]
        p = PartnerFactory(
            stage=stage, manager=manager, tier=TierFactory(name=f"T{i % 3}", rank=60 + i % 3)
        )
        StageHistory.objects.create(
            partner=p, transition="x", from_stage="recruitment", to_stage=stage, at=timezone.now()
        )


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_partners_in_constant_queries(n, client_for, bob, django_assert_num_queries):
    _populate(n, bob)
    c = client_for(bob)
    # session, user, partner types, tiers, managers (filter choices), count, page of partners
    # (with type, tier, manager joined), stage configs
    with django_assert_num_queries(8):
        assert c.get(reverse("partners:list")).status_code == 200


@pytest.mark.parametrize("n", [2, 50])
def test_it_draws_the_board_in_constant_queries(n, client_for, bob, django_assert_num_queries):
    _populate(n, bob)
    c = client_for(bob)
    # session, user, stage configs, stage counts, one query per stage (6)
    with django_assert_num_queries(10):
        assert c.get(reverse("partners:board")).status_code == 200


def test_it_shows_a_partner_in_constant_queries(client_for, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner = qualified(stage=Stage.RECRUITMENT, manager=bob)
    c = client_for(bob)
    url = reverse("partners:detail", args=[partner.pk])

    def grow(n):
        _populate(n, bob)
        for _ in range(n):
            TaskFactory(partner=partner)
            AgreementFactory(partner=partner)
            StageHistory.objects.create(
                partner=partner,
                transition="reengage",
                from_stage="exited",
                to_stage="recruitment",
                at=timezone.now(),
            )

    def count() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    grow(2)
    at_2 = count()
    grow(48)
    at_50 = count()
    # session, user, partner (+type, tier, manager), stage configs, program settings, the active
    # agreement condition, tasks, history, then each app's section (agreements: 1; others own theirs)
    assert len(at_2) == len(at_50), at_50
    assert sum('FROM "partners_task"' in q for q in at_50) == 1


def test_it_survives_hostile_page_input(client_for, bob):
    partner = PartnerFactory(stage=Stage.GROWTH)
    c = client_for(bob)
    assert c.get(reverse("partners:list"), {"search": "a\x00b"}).status_code == 200
    assert c.get(reverse("partners:list"), {"search": "a\x00b", "tier": "\x00"}).status_code == 400
    response = c.post(
        reverse("partners:transition", args=[partner.pk, "exit"]),
        {"from_stage": "growth", "reason": "x\x00y"},
    )
    assert response.status_code == 400
    assert c.get(reverse("agreements:create"), {"partner": "9" * 40}).status_code == 200
    assert c.get(reverse("agreements:list"), {"status": "\x00"}).status_code == 400


def test_it_records_a_tier_set_on_the_partner_form(client_for, bob):
    from apps.tiers.models import TierChange

    reseller = PartnerTypeFactory(key="reseller")
    silver = TierFactory(name="Silverish", rank=70)
    partner = PartnerFactory(partner_type=reseller)
    response = client_for(bob).post(
        reverse("partners:edit", args=[partner.pk]),
        {"name": partner.name, "website": "", "partner_type": reseller.pk, "tier": silver.pk},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.tier == silver
    change = TierChange.objects.get(partner=partner)
    assert (change.to_tier, change.actor) == (silver, bob)


def test_the_partner_page_counts_registrations_by_status_in_words(client_for, bob):
    from tests.deals.factories import RegistrationFactory

    partner = PartnerFactory(stage=Stage.GROWTH, manager=bob)
    RegistrationFactory(partner=partner)
    RegistrationFactory(partner=partner)
    user = bob
    user.language = "de"
    user.save(update_fields=["language"])
    html = client_for(user).get(reverse("partners:detail", args=[partner.pk])).content.decode()
    section = html[html.index('class="card deals-section"') :]
    assert "2 Eingereicht" in section, section[:600]  # a German noun-like label keeps its capital
