from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.agreements.models import Agreement
from apps.core.errors import ConditionsUnmet, InvalidInput, NotPermitted, TransitionNotAllowed
from apps.partners.models import Partner, Stage, StageHistory, Task
from apps.partners.services import partner_transition
from apps.program.models import PlaybookTaskTemplate, ProgramSettings
from tests.factories import AgreementFactory, PartnerFactory, PartnerTypeFactory, TaskFactory

pytestmark = pytest.mark.django_db

SOURCES = {
    "start_onboarding": [Stage.RECRUITMENT],
    "complete_onboarding": [Stage.ONBOARDING],
    "start_evaluation": [Stage.GROWTH],
    "continue_growth": [Stage.EVALUATION],
    "start_expansion": [Stage.EVALUATION],
    "complete_expansion": [Stage.EXPANSION],
    "exit": [Stage.RECRUITMENT, Stage.ONBOARDING, Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION],
    "reengage": [Stage.EXITED],
}
TARGETS = {
    "start_onboarding": Stage.ONBOARDING,
    "complete_onboarding": Stage.GROWTH,
    "start_evaluation": Stage.EVALUATION,
    "continue_growth": Stage.GROWTH,
    "start_expansion": Stage.EXPANSION,
    "complete_expansion": Stage.GROWTH,
    "exit": Stage.EXITED,
    "reengage": Stage.RECRUITMENT,
}
ALLOWED = [(name, stage) for name, stages in SOURCES.items() for stage in stages]
REFUSED = [(name, stage) for name in SOURCES for stage in Stage if stage not in SOURCES[name]]


def ready_partner(stage: str) -> Partner:
    """A partner in `stage` meeting every condition: qualified, signed, no open tasks."""
    partner = PartnerFactory(
        stage=stage,
        qualification_customer=4,
        qualification_credibility=4,
        qualification_capability=4,
        qualification_commitment=4,
    )
    AgreementFactory(partner=partner, status="active")
    return partner


def test_it_has_exactly_the_designed_transitions():
    partner = PartnerFactory.build()
    names = {t.name for t in partner.get_all_stage_transitions()}
    assert names == set(SOURCES)


@pytest.mark.parametrize(("name", "stage"), ALLOWED)
def test_it_runs_each_transition_from_its_sources(name, stage, bob):
    partner = ready_partner(stage)
    now = timezone.now() - timedelta(days=3)
    partner_transition(partner=partner, name=name, actor=bob, note="n", reason="because", now=now)
    partner.refresh_from_db()
    assert partner.stage == TARGETS[name]
    assert partner.stage_entered_at == now
    row = StageHistory.objects.get(partner=partner)
    assert (row.transition, row.from_stage, row.to_stage) == (name, stage, TARGETS[name])
    assert (row.actor, row.note, row.reason, row.at) == (bob, "n", "because", now)


@pytest.mark.parametrize(("name", "stage"), REFUSED)
def test_it_refuses_each_transition_from_other_stages(name, stage, bob):
    partner = ready_partner(stage)
    with pytest.raises(TransitionNotAllowed):
        partner_transition(partner=partner, name=name, actor=bob, reason="because")
    partner.refresh_from_db()
    assert partner.stage == stage
    assert not StageHistory.objects.filter(partner=partner).exists()


def test_it_refuses_an_unknown_transition(bob):
    partner = ready_partner(Stage.GROWTH)
    with pytest.raises(TransitionNotAllowed):
        partner_transition(partner=partner, name="delete", actor=bob)


def test_it_needs_the_4c_score_to_start_onboarding(bob):
    partner = ready_partner(Stage.RECRUITMENT)
    Partner.objects.filter(pk=partner.pk).update(qualification_commitment=1)  # 4+4+4+1 = 13
    ProgramSettings.objects.update_or_create(pk=1, defaults={"qualification_threshold": 14})
    partner.refresh_from_db()
    with pytest.raises(ConditionsUnmet) as exc:
        partner_transition(partner=partner, name="start_onboarding", actor=bob)
    assert exc.value.unmet == [
        "The partner is not qualified: its 4C score is below the program's threshold."
    ]
    ProgramSettings.objects.filter(pk=1).update(qualification_threshold=13)
    partner_transition(partner=partner, name="start_onboarding", actor=bob)
    assert partner.stage == Stage.ONBOARDING


def test_it_counts_an_unscored_c_as_not_qualified(bob):
    partner = ready_partner(Stage.RECRUITMENT)
    Partner.objects.filter(pk=partner.pk).update(qualification_customer=None)
    partner.refresh_from_db()
    assert partner.qualification_score == 12
    assert not partner.is_qualified


def test_it_needs_an_active_agreement_to_start_onboarding(bob):
    partner = ready_partner(Stage.RECRUITMENT)
    Agreement.objects.filter(partner=partner).update(status="sent")
    with pytest.raises(ConditionsUnmet) as exc:
        partner_transition(partner=partner, name="start_onboarding", actor=bob)
    assert exc.value.unmet == ["The partner has no active (signed) agreement."]


def test_it_lists_every_unmet_condition(bob):
    partner = PartnerFactory(stage=Stage.RECRUITMENT)
    with pytest.raises(ConditionsUnmet) as exc:
        partner_transition(partner=partner, name="start_onboarding", actor=bob)
    assert len(exc.value.unmet) == 2
    assert exc.value.as_dict()["code"] == "conditions_unmet"


@pytest.mark.parametrize(
    ("stage", "name"),
    [(Stage.ONBOARDING, "complete_onboarding"), (Stage.EXPANSION, "complete_expansion")],
)
def test_it_needs_required_tasks_done(stage, name, bob):
    partner = ready_partner(stage)
    task = TaskFactory(partner=partner, required=True)
    TaskFactory(partner=partner, required=False)  # optional tasks never block
    with pytest.raises(ConditionsUnmet) as exc:
        partner_transition(partner=partner, name=name, actor=bob)
    assert f"required {stage} tasks" in exc.value.unmet[0]
    task.done = True
    task.save()
    partner_transition(partner=partner, name=name, actor=bob)
    assert partner.stage == Stage.GROWTH


def test_it_ignores_open_tasks_of_an_earlier_visit_of_the_stage(bob):
    partner = ready_partner(Stage.ONBOARDING)
    TaskFactory(partner=partner, stage_visit=partner.stage_entered_at - timedelta(days=400))
    partner_transition(partner=partner, name="complete_onboarding", actor=bob)
    assert partner.stage == Stage.GROWTH


def test_it_requires_a_reason_to_exit(bob):
    partner = ready_partner(Stage.GROWTH)
    with pytest.raises(InvalidInput) as exc:
        partner_transition(partner=partner, name="exit", actor=bob, reason="   ")
    assert "reason" in exc.value.errors
    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH


def test_it_bounds_the_note(bob):
    partner = ready_partner(Stage.GROWTH)
    with pytest.raises(InvalidInput):
        partner_transition(partner=partner, name="start_evaluation", actor=bob, note="x" * 2001)


def test_it_never_lets_a_partner_user_move_a_partner(charlie):
    partner = charlie.partner
    Partner.objects.filter(pk=partner.pk).update(stage=Stage.GROWTH)
    partner.refresh_from_db()
    with pytest.raises(NotPermitted):
        partner_transition(partner=partner, name="start_evaluation", actor=charlie)
    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH


def test_it_lets_the_system_move_a_partner_without_an_actor():
    partner = ready_partner(Stage.GROWTH)
    partner_transition(partner=partner, name="start_evaluation", actor=None, via="QBR 2026-Q4 #1")
    row = partner.history.get()
    assert row.actor is None and row.via == "QBR 2026-Q4 #1"


def test_it_protects_the_stage_from_direct_assignment():
    partner = PartnerFactory(stage=Stage.GROWTH)
    with pytest.raises(AttributeError):
        partner.stage = Stage.EXITED


@pytest.mark.parametrize(("key", "days"), [("reseller", 90), ("referral", 60), ("oem", 120)])
def test_it_sets_the_onboarding_due_date_from_the_partner_type(key, days, bob):
    partner = ready_partner(Stage.RECRUITMENT)
    partner.partner_type = PartnerTypeFactory(key=key, onboarding_days=days)
    partner.save()
    now = timezone.now() - timedelta(days=1)
    partner_transition(partner=partner, name="start_onboarding", actor=bob, now=now)
    partner.refresh_from_db()
    assert partner.onboarding_started_at == now
    assert partner.onboarding_due_date == timezone.localdate(now) + timedelta(days=days)


def test_it_uses_the_seeded_onboarding_days_per_type():
    from apps.program.models import PartnerType

    days = dict(PartnerType.objects.values_list("key", "onboarding_days"))
    assert days == {"reseller": 90, "referral": 60, "technology": 90, "integrator": 90, "oem": 120}


@pytest.mark.parametrize(
    ("stage", "name", "titles"),
    [
        (Stage.RECRUITMENT, "start_onboarding", ["Kickoff call", "First deal registration"]),
        (Stage.EVALUATION, "start_expansion", ["Expansion plan"]),
        (Stage.GROWTH, "exit", ["Review the agreement's exit clauses", "Knowledge transfer"]),
    ],
)
def test_it_instantiates_the_playbook_on_entering_a_stage(stage, name, titles, bob):
    partner = ready_partner(stage)
    now = timezone.now()
    partner_transition(partner=partner, name=name, actor=bob, reason="r", now=now)
    tasks = list(Task.objects.filter(partner=partner))
    expected = PlaybookTaskTemplate.objects.filter(stage=partner.stage)
    assert len(tasks) == expected.count() > 0
    assert {t.title for t in tasks} >= set(titles)
    assert all(t.stage == partner.stage and t.stage_visit == now for t in tasks)
    template = expected.first()
    task = next(t for t in tasks if t.title == template.title)
    assert task.due_date == timezone.localdate(now) + timedelta(days=template.due_offset_days)
    assert (task.owner_side, task.required) == (template.owner_side, template.required)


def test_it_seeds_the_onboarding_playbook_of_the_design():
    titles = list(
        PlaybookTaskTemplate.objects.filter(stage=Stage.ONBOARDING).values_list("title", flat=True)
    )
    assert titles == [
        "Kickoff call",
        "Product training",
        "Sales certification",
        "Technical integration",
        "Portal access",
        "First deal registration",
        "Onboarding milestone celebration",
    ]


def test_it_runs_the_growth_evaluation_loop_and_keeps_history(bob):
    partner = ready_partner(Stage.GROWTH)
    for _ in range(3):
        partner_transition(partner=partner, name="start_evaluation", actor=bob)
        partner_transition(partner=partner, name="continue_growth", actor=bob)
    assert partner.stage == Stage.GROWTH
    assert partner.history.count() == 6


def test_it_exits_terminates_agreements_and_closes_the_portal(bob, charlie):
    partner = charlie.partner
    Partner.objects.filter(pk=partner.pk).update(stage=Stage.GROWTH)
    partner.refresh_from_db()
    active = AgreementFactory(partner=partner, status="active", notice_period_days=45)
    draft = AgreementFactory(partner=partner, status="draft")
    assert charlie.has_portal_access
    now = timezone.now()
    partner_transition(partner=partner, name="exit", actor=bob, reason="Strategy change", now=now)
    active.refresh_from_db()
    draft.refresh_from_db()
    assert active.status == "terminated"
    assert active.terminated_at == now
    assert active.notice_ends_on == timezone.localdate(now) + timedelta(days=45)
    assert "Strategy change" in active.termination_reason
    assert draft.status == "draft"
    charlie.refresh_from_db()
    assert not charlie.has_portal_access
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_it_sends_partner_exited_inside_the_transaction(bob):
    from apps.partners.events import partner_exited

    partner = ready_partner(Stage.GROWTH)
    seen = []

    def receiver(sender, partner, actor, reason, now, **kwargs):
        from django.db import connection

        seen.append((partner.pk, actor, reason, connection.in_atomic_block))

    partner_exited.connect(receiver, dispatch_uid="test-receiver")
    try:
        partner_transition(partner=partner, name="exit", actor=bob, reason="Gone")
    finally:
        partner_exited.disconnect(dispatch_uid="test-receiver")
    assert seen == [(partner.pk, bob, "Gone", True)]


def test_it_rolls_back_the_exit_when_a_receiver_fails(bob):
    from apps.partners.events import partner_exited

    partner = ready_partner(Stage.GROWTH)

    def boom(**kwargs):
        raise RuntimeError("deals app failed")

    partner_exited.connect(boom, dispatch_uid="test-boom")
    try:
        with pytest.raises(RuntimeError):
            partner_transition(partner=partner, name="exit", actor=bob, reason="Gone")
    finally:
        partner_exited.disconnect(dispatch_uid="test-boom")
    assert Partner.objects.get(pk=partner.pk).stage == Stage.GROWTH
    assert not StageHistory.objects.filter(partner=partner).exists()
    assert Agreement.objects.get(partner=partner).status == "active"


def test_it_reengages_with_history_kept(bob):
    partner = ready_partner(Stage.GROWTH)
    partner_transition(partner=partner, name="exit", actor=bob, reason="Paused")
    partner_transition(partner=partner, name="reengage", actor=bob, note="Back")
    assert partner.stage == Stage.RECRUITMENT
    assert list(partner.history.values_list("transition", flat=True)) == ["exit", "reengage"]
    assert partner.has_portal_access


def test_it_notifies_the_owning_manager_of_someone_elses_transition(bob, alice):
    from apps.notifications.models import Notification

    partner = ready_partner(Stage.GROWTH)
    partner.manager = bob
    partner.save()
    partner_transition(partner=partner, name="start_evaluation", actor=alice)
    assert Notification.objects.filter(recipient=bob, kind="partner-stage").count() == 1
    partner_transition(partner=partner, name="continue_growth", actor=bob)
    assert Notification.objects.filter(recipient=bob).count() == 1
