"""deal_review_sla and deal_expiry at their thresholds, run twice, and catching up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.sweeps import run
from apps.deals.models import DealRegistration, Status
from apps.deals.services import registration_transition
from apps.notifications.models import Notification
from tests.deals.factories import RegistrationFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_the_sla_reminder_goes_to_the_manager_at_48_hours_once(alice, bob, acme):
    reg = RegistrationFactory(partner=acme, submitted_at=T0)
    assert run("deal_review_sla", T0 + timedelta(hours=48) - timedelta(seconds=1)) == {
        "reminded": 0, "escalated": 0,
    }  # fmt: skip
    assert run("deal_review_sla", T0 + timedelta(hours=48)) == {"reminded": 1, "escalated": 0}
    assert run("deal_review_sla", T0 + timedelta(hours=49)) == {"reminded": 0, "escalated": 0}
    note = Notification.objects.get(recipient=bob)
    assert note.kind == "deal_review_sla" and reg.customer_name in note.subject
    assert kinds(alice) == []


def test_it_escalates_to_admins_at_twice_the_sla_once(alice, bob, acme):
    RegistrationFactory(partner=acme, submitted_at=T0)
    run("deal_review_sla", T0 + timedelta(hours=50))
    assert run("deal_review_sla", T0 + timedelta(hours=96) - timedelta(seconds=1))["escalated"] == 0
    assert run("deal_review_sla", T0 + timedelta(hours=96)) == {"reminded": 0, "escalated": 1}
    assert run("deal_review_sla", T0 + timedelta(hours=200)) == {"reminded": 0, "escalated": 0}
    assert kinds(alice) == ["deal_review_escalated"]
    assert kinds(bob) == ["deal_review_sla"]


def test_a_missed_run_catches_up_with_both(alice, bob, acme):
    RegistrationFactory(partner=acme, submitted_at=T0)
    assert run("deal_review_sla", T0 + timedelta(days=30)) == {"reminded": 1, "escalated": 1}
    assert run("deal_review_sla", T0 + timedelta(days=30)) == {"reminded": 0, "escalated": 0}


def test_the_sla_follows_the_program_setting_and_skips_decided_ones(alice, bob, acme):
    from apps.program.models import ProgramSettings

    rules = ProgramSettings.get()
    rules.review_sla_hours = 8
    rules.save()
    RegistrationFactory(partner=acme, submitted_at=T0)
    RegistrationFactory(partner=acme, submitted_at=T0, approved=True)
    assert run("deal_review_sla", T0 + timedelta(hours=8))["reminded"] == 1


def test_without_a_manager_the_admins_are_reminded(alice, bob, acme):
    acme.manager = None
    acme.save()
    RegistrationFactory(partner=acme, submitted_at=T0)
    run("deal_review_sla", T0 + timedelta(hours=48))
    assert kinds(alice) == ["deal_review_sla"] and kinds(bob) == []


def test_the_expiry_reminder_goes_to_the_partner_users_14_days_ahead_once(charlie, dave, acme):
    reg = RegistrationFactory(partner=acme, approved=True, expires_at=T0 + timedelta(days=30))
    end = reg.expires_at
    assert run("deal_expiry", end - timedelta(days=14, seconds=1)) == {"reminded": 0, "expired": 0}
    assert run("deal_expiry", end - timedelta(days=14)) == {"reminded": 1, "expired": 0}
    assert run("deal_expiry", end - timedelta(days=13)) == {"reminded": 0, "expired": 0}
    assert kinds(charlie) == ["deal_expiry_reminder"]
    assert kinds(dave) == []


def test_an_extension_earns_a_new_reminder_for_the_new_end(charlie, bob, acme):
    reg = RegistrationFactory(partner=acme, approved=True, expires_at=T0 + timedelta(days=10))
    run("deal_expiry", T0)
    registration_transition(registration=reg, name="extend", actor=bob, days=20, now=T0)
    assert run("deal_expiry", reg.expires_at - timedelta(days=14))["reminded"] == 1
    assert kinds(charlie) == ["deal_expiry_reminder", "deal_expiry_reminder", "deal_extend"]


def test_lapsed_protection_expires_and_the_partner_is_told_once(charlie, acme):
    reg = RegistrationFactory(partner=acme, approved=True, expires_at=T0)
    assert run("deal_expiry", T0 - timedelta(seconds=1))["expired"] == 0
    assert run("deal_expiry", T0) == {"reminded": 0, "expired": 1}
    assert run("deal_expiry", T0 + timedelta(days=1)) == {"reminded": 0, "expired": 0}
    reg.refresh_from_db()
    assert reg.status == Status.EXPIRED and reg.closed_at == T0
    event = reg.events.get()
    assert (event.transition, event.actor, event.via) == ("expire", None, "sweep")
    assert kinds(charlie) == ["deal_expire", "deal_expiry_reminder"]  # reminded the second before


def test_a_missed_expiry_run_catches_up(charlie, acme, globex):
    RegistrationFactory.create_batch(
        3, partner=acme, approved=True, expires_at=T0 - timedelta(days=40)
    )
    RegistrationFactory(partner=globex, approved=True, expires_at=T0 + timedelta(days=60))
    assert run("deal_expiry", T0)["expired"] == 3
    assert DealRegistration.objects.filter(status=Status.APPROVED).count() == 1


def test_the_command_runs_both_sweeps_by_name(capsys, bob, charlie, acme):
    RegistrationFactory(partner=acme, submitted_at=T0)
    RegistrationFactory(partner=acme, approved=True, expires_at=T0 + timedelta(hours=1))
    when = (T0 + timedelta(hours=50)).isoformat()
    call_command("run_sweeps", "--now", when, "--only", "deal_review_sla", "deal_expiry")
    out = capsys.readouterr().out
    assert "deal_review_sla: reminded=1, escalated=0" in out
    assert "deal_expiry: reminded=0, expired=1" in out


def test_the_sweeps_are_on_the_beat_schedule():
    from django.conf import settings

    assert {"deal_review_sla", "deal_expiry"} <= set(settings.SWEEP_SCHEDULE)


def test_the_sla_sweep_costs_queries_in_proportion_to_what_is_due(
    acme, bob, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(40, partner=acme, submitted_at=T0 + timedelta(hours=10))
    # nothing is due: 1 program settings, 2 the due ones (the SLA's partial indexes)
    with django_assert_max_num_queries(2):
        run("deal_review_sla", T0 + timedelta(hours=48))


@pytest.mark.parametrize("n", [2, 40])
def test_a_repeated_sla_run_costs_the_same_whatever_was_already_sent(
    n, alice, bob, acme, django_assert_num_queries
):
    RegistrationFactory.create_batch(n, partner=acme, submitted_at=T0)
    assert run("deal_review_sla", T0 + timedelta(hours=100)) == {"reminded": n, "escalated": n}
    # 1 program settings, 2 the due ones (none: those sent are marked, out of the due indexes)
    with django_assert_num_queries(2):
        assert run("deal_review_sla", T0 + timedelta(hours=101)) == {"reminded": 0, "escalated": 0}


@pytest.mark.parametrize("n", [2, 40])
def test_a_repeated_expiry_run_costs_the_same_whatever_was_already_sent(
    n, charlie, acme, django_assert_num_queries
):
    RegistrationFactory.create_batch(
        n, partner=acme, approved=True, expires_at=T0 + timedelta(days=5)
    )
    assert run("deal_expiry", T0)["reminded"] == n
    # 1 program settings, 2 ending soon and not yet reminded (none), 3 lapsed (none)
    with django_assert_num_queries(3):
        assert run("deal_expiry", T0 + timedelta(hours=1)) == {"reminded": 0, "expired": 0}


def _handled_before(acme, n: int, **marks) -> None:
    """n registrations an earlier run handled (as a real table holds many more than the due)."""
    rows = RegistrationFactory.build_batch(n, partner=acme, submitted_at=T0 - timedelta(days=9))
    for row in rows:
        for name, value in marks.items():
            setattr(row, name, value)
    DealRegistration.objects.bulk_create(rows)


def test_a_repeat_sla_pass_reads_none_of_the_registrations_it_handled(alice, bob, acme):
    _handled_before(acme, 300, sla_notified=2)
    RegistrationFactory.create_batch(3, partner=acme, submitted_at=T0 - timedelta(hours=50))
    RegistrationFactory.create_batch(3, partner=acme, submitted_at=T0 - timedelta(hours=200))
    RegistrationFactory.create_batch(3, partner=acme, submitted_at=T0)  # not due yet
    assert run("deal_review_sla", T0) == {"reminded": 6, "escalated": 3}
    result, scans = scans_of(
        lambda: run("deal_review_sla", T0 + timedelta(minutes=5)), ("deals_dealregistration",)
    )
    assert result == {"reminded": 0, "escalated": 0}
    assert_reads_nothing_handled(
        scans, {"deals_dealregistration": "deal_sla_remind_idx,deal_sla_escalate_idx"}
    )
    # what becomes due later is still found: the reminded ones at twice the SLA (3), and the
    # ones not due before, now past both marks (3 and 3)
    assert run("deal_review_sla", T0 + timedelta(hours=97)) == {"reminded": 3, "escalated": 6}


def test_a_repeat_expiry_pass_reads_none_of_the_registrations_it_reminded(charlie, bob, acme):
    regs = RegistrationFactory.create_batch(
        4, partner=acme, approved=True, expires_at=T0 + timedelta(days=5)
    )
    RegistrationFactory(partner=acme, approved=True, expires_at=T0 + timedelta(days=60))
    assert run("deal_expiry", T0)["reminded"] == 4
    result, scans = scans_of(
        lambda: run("deal_expiry", T0 + timedelta(hours=1)), ("deals_dealregistration",)
    )
    assert result == {"reminded": 0, "expired": 0}
    assert_reads_nothing_handled(scans, {"deals_dealregistration": None})
    # an extension moves the end: the new end is reminded once it comes near
    registration_transition(registration=regs[0], name="extend", actor=bob, days=3)
    assert run("deal_expiry", T0 + timedelta(hours=2))["reminded"] == 1
    assert run("deal_expiry", T0 + timedelta(hours=3))["reminded"] == 0
