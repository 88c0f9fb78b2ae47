"""The registration state machine: every transition from every state, who may run which."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import ConditionsUnmet, DomainError, NotPermitted, TransitionNotAllowed
from apps.deals.models import DealRegistration, RegistrationEvent, Status
from apps.deals.services import registration_create, registration_transition
from apps.partners.models import Stage
from apps.program.models import ProgramSettings, Tier
from tests.deals.factories import RegistrationFactory, registration_in

pytestmark = pytest.mark.django_db

ALLOWED = {
    Status.SUBMITTED: {
        "approve": Status.APPROVED,
        "reject": Status.REJECTED,
        "withdraw": Status.WITHDRAWN,
        "request_info": Status.INFO_REQUESTED,
    },
    Status.INFO_REQUESTED: {
        "provide_info": Status.SUBMITTED,
        "reject": Status.REJECTED,
        "withdraw": Status.WITHDRAWN,
    },
    Status.APPROVED: {
        "extend": Status.APPROVED,
        "mark_won": Status.WON,
        "mark_lost": Status.LOST,
        "expire": Status.EXPIRED,
    },
}
INPUT = {
    "reject": {"reason": "Direct account."},
    "extend": {"days": 10},
    "mark_lost": {"reason": "Price"},
    "request_info": {"question": "Which sites?"},
    "provide_info": {"answer": "London."},
}
NAMES = [
    "approve",
    "reject",
    "withdraw",
    "extend",
    "mark_won",
    "mark_lost",
    "expire",
    "request_info",
    "provide_info",
]


def actor_for(name, *, bob, charlie):
    return {"withdraw": charlie, "provide_info": charlie, "expire": None}.get(name, bob)


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("name", NAMES)
def test_it_runs_or_refuses_every_transition_from_every_state(state, name, acme, bob, charlie):
    reg = registration_in(state, partner=acme)
    actor = actor_for(name, bob=bob, charlie=charlie)
    target = ALLOWED.get(state, {}).get(name)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            registration_transition(registration=reg, name=name, actor=actor, **INPUT.get(name, {}))
        reg.refresh_from_db()
        assert reg.status == state
        assert not RegistrationEvent.objects.filter(registration=reg).exists()
        return
    registration_transition(registration=reg, name=name, actor=actor, **INPUT.get(name, {}))
    reg.refresh_from_db()
    assert reg.status == target
    event = RegistrationEvent.objects.get(registration=reg)
    assert (event.transition, event.from_status, event.to_status) == (name, state, target)
    assert event.actor == actor


@pytest.mark.parametrize(
    ("name", "state", "may"),
    [
        ("approve", Status.SUBMITTED, {"alice", "bob"}),
        ("reject", Status.SUBMITTED, {"alice", "bob"}),
        ("withdraw", Status.SUBMITTED, {"charlie"}),
        ("request_info", Status.SUBMITTED, {"alice", "bob"}),
        ("provide_info", Status.INFO_REQUESTED, {"charlie"}),
        ("extend", Status.APPROVED, {"alice", "bob"}),
        ("mark_won", Status.APPROVED, {"alice", "bob"}),
        ("mark_lost", Status.APPROVED, {"alice", "bob"}),
        ("expire", Status.APPROVED, set()),
    ],
)
def test_it_lets_only_the_right_role_run_each_transition(
    name, state, may, acme, alice, bob, charlie, dave
):
    for user in (alice, bob, charlie, dave):
        reg = registration_in(state, partner=acme)
        if user.username in may:
            registration_transition(registration=reg, name=name, actor=user, **INPUT.get(name, {}))
            reg.refresh_from_db()
            assert reg.status == ALLOWED[state][name]
        else:
            with pytest.raises(NotPermitted):
                registration_transition(
                    registration=reg, name=name, actor=user, **INPUT.get(name, {})
                )
            reg.refresh_from_db()
            assert reg.status == state


def test_it_sets_the_protection_window_from_the_tier(acme, bob):
    acme.tier = Tier.objects.create(name="Platinum", rank=50, protection_days=120)
    acme.save()
    reg = RegistrationFactory(partner=acme)
    now = timezone.now()
    registration_transition(registration=reg, name="approve", actor=bob, now=now)
    reg.refresh_from_db()
    assert reg.approved_at == reg.reviewed_at == now
    assert reg.reviewed_by == bob
    assert reg.expires_at == now + timedelta(days=120)


def test_it_protects_for_90_days_without_a_tier(acme, bob):
    reg = RegistrationFactory(partner=acme)
    now = timezone.now()
    registration_transition(registration=reg, name="approve", actor=bob, now=now)
    assert reg.expires_at == now + timedelta(days=90)


def test_it_refuses_to_approve_while_another_partner_holds_the_domain(acme, globex, bob):
    RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    reg = RegistrationFactory(partner=acme, customer_domain="initech.com")
    with pytest.raises(DomainError) as exc:
        registration_transition(registration=reg, name="approve", actor=bob)
    assert exc.value.code == "domain_protected"
    reg.refresh_from_db()
    assert reg.status == Status.SUBMITTED


def test_it_approves_once_the_holder_is_closed(acme, globex, bob):
    holder = RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    reg = RegistrationFactory(partner=acme, customer_domain="initech.com")
    registration_transition(registration=holder, name="mark_lost", actor=bob)
    registration_transition(registration=reg, name="approve", actor=bob)
    assert reg.status == Status.APPROVED


def test_the_database_itself_refuses_a_second_approval_for_a_domain(acme, globex):
    from django.db import IntegrityError, transaction

    RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(partner=acme, customer_domain="initech.com", approved=True)


def test_it_translates_a_lost_race_on_the_unique_index_into_domain_protected(
    acme, globex, bob, monkeypatch
):
    # The other approval commits between our check and our write: the index refuses it.
    RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    reg = RegistrationFactory(partner=acme, customer_domain="initech.com")
    monkeypatch.setattr(
        DealRegistration, "domain_holder", lambda self: DealRegistration.objects.none()
    )
    with pytest.raises(DomainError) as exc:
        registration_transition(registration=reg, name="approve", actor=bob)
    assert exc.value.code == "domain_protected"
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("stage", [Stage.RECRUITMENT, Stage.EXITED])
def test_it_refuses_registrations_from_inactive_partners(stage, acme, charlie, valid_input):
    from apps.partners.models import Partner

    Partner.objects.filter(pk=acme.pk).update(stage=stage)
    acme.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        registration_create(partner=acme, submitted_by=charlie, data=valid_input)
    assert exc.value.code == "partner_inactive"
    assert not DealRegistration.objects.exists()


@pytest.mark.parametrize(
    "stage", [Stage.ONBOARDING, Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION]
)
def test_it_accepts_registrations_from_active_partners(stage, acme, charlie, valid_input):
    from apps.partners.models import Partner

    Partner.objects.filter(pk=acme.pk).update(stage=stage)
    acme.refresh_from_db()
    reg = registration_create(partner=acme, submitted_by=charlie, data=valid_input)
    assert reg.status == Status.SUBMITTED
    assert reg.customer_domain == "initech.com"
    assert reg.events.get().transition == "submit"


def test_it_extends_up_to_the_program_maximum(acme, bob):
    settings_row = ProgramSettings.get()
    settings_row.max_extensions = 2
    settings_row.save()
    reg = RegistrationFactory(partner=acme, approved=True)
    first_end = reg.expires_at
    registration_transition(registration=reg, name="extend", actor=bob, days=30)
    registration_transition(registration=reg, name="extend", actor=bob, days=90)
    assert reg.expires_at == first_end + timedelta(days=120)
    assert reg.extensions_used == 2
    with pytest.raises(ConditionsUnmet):
        registration_transition(registration=reg, name="extend", actor=bob, days=1)
    reg.refresh_from_db()
    assert reg.extensions_used == 2


@pytest.mark.parametrize("days", [0, -1, 91, 1000, None, "ten", 1.5, True])
def test_it_refuses_extensions_outside_1_to_90_days(days, acme, bob):
    from apps.core.errors import InvalidInput

    reg = RegistrationFactory(partner=acme, approved=True)
    with pytest.raises(InvalidInput):
        registration_transition(registration=reg, name="extend", actor=bob, days=days)


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_it_requires_a_reason_to_reject(reason, acme, bob):
    from apps.core.errors import InvalidInput

    reg = RegistrationFactory(partner=acme)
    with pytest.raises(InvalidInput):
        registration_transition(registration=reg, name="reject", actor=bob, reason=reason)
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED


def test_it_records_won_and_lost_details(acme, bob):
    won = RegistrationFactory(partner=acme, approved=True)
    registration_transition(registration=won, name="mark_won", actor=bob, actual_value="30000")
    won.refresh_from_db()
    assert won.actual_value == Decimal("30000.00") and won.won_value == Decimal("30000.00")
    assert won.closed_at is not None
    lost = RegistrationFactory(partner=acme, approved=True)
    registration_transition(registration=lost, name="mark_lost", actor=bob, reason="Budget cut")
    lost.refresh_from_db()
    assert lost.lost_reason == "Budget cut" and lost.closed_at is not None
    plain = RegistrationFactory(partner=acme, approved=True)
    registration_transition(registration=plain, name="mark_won", actor=bob)
    assert plain.won_value == plain.estimated_value


def test_two_transitions_of_one_registration_apply_once(acme, bob):
    from apps.core.errors import ConcurrentChange

    reg = RegistrationFactory(partner=acme)
    stale = DealRegistration.objects.get(pk=reg.pk)
    registration_transition(registration=reg, name="reject", actor=bob, reason="No")
    with pytest.raises(ConcurrentChange):
        registration_transition(registration=stale, name="approve", actor=bob)
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.REJECTED


# --- property: random sequences keep the invariants -------------------------------------------
STEPS = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from(NAMES), st.sampled_from(["bob", "charlie", "dave", None])
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_random_transition_sequences_keep_the_invariants(steps, acme, globex, bob, charlie, dave):
    DealRegistration.objects.all().delete()
    users = {"bob": bob, "charlie": charlie, "dave": dave, None: None}
    regs = [
        RegistrationFactory(partner=acme, customer_domain="shared.example"),
        RegistrationFactory(partner=globex, customer_domain="shared.example"),
        RegistrationFactory(partner=acme, customer_domain="other.example"),
        RegistrationFactory(partner=globex),
    ]
    for reg in regs:
        RegistrationEvent.objects.create(
            registration=reg, transition="submit", to_status=Status.SUBMITTED, actor=charlie
        )
    for index, name, who in steps:
        reg = DealRegistration.objects.get(pk=regs[index].pk)
        with contextlib.suppress(DomainError, NotPermitted):
            registration_transition(
                registration=reg, name=name, actor=users[who], **INPUT.get(name, {})
            )
    approved = DealRegistration.objects.filter(status=Status.APPROVED)
    domains = list(approved.values_list("customer_domain", flat=True))
    assert len(domains) == len(set(domains))
    for reg in DealRegistration.objects.all():
        assert reg.status in Status.values
        events = list(reg.events.all())
        assert events[0].transition == "submit"
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
        assert events[-1].to_status == reg.status
        if reg.status == Status.APPROVED:
            assert reg.expires_at and reg.approved_at
        assert reg.extensions_used <= ProgramSettings.get().max_extensions
