"""Earnings: the rebate accrued once per won registration (also re-won, also two events at once),
converted at the rate in force; payout batches previewed then written once, approved, paid or
cancelled; an accrual in at most one batch, even with two batches written at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import ConcurrentChange, DomainError, InvalidInput, NotPermitted
from apps.deals.events import registration_won
from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegistrationStatus
from apps.funds.models import BatchStatus, EarningAccrual, EarningStatus, PayoutBatch
from apps.funds.services import (
    earning_accrue,
    parse_period,
    payout_batch_create,
    payout_batch_plan,
    payout_batch_transition,
)
from apps.notifications.models import Notification
from apps.program.models import ExchangeRate, ProgramSettings
from tests.factories import ManagerFactory

from .earnings_factories import earning_partner, user_of, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db, bob):
    return earning_partner("Acme Resellers", "5", manager=bob)


def _accrued(partner, value="10000.00", **kwargs) -> EarningAccrual:
    registration = won(partner, value, **kwargs)
    return earning_accrue(registration_id=registration.pk) or EarningAccrual.objects.get(
        registration=registration
    )


def test_marking_a_registration_won_accrues_the_partners_rebate_once(
    acme, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = won(acme, "12345.00", manager=bob)
    accrual = EarningAccrual.objects.get()
    assert accrual.registration_id == registration.pk
    assert accrual.partner_id == acme.pk
    assert (accrual.tier_id, accrual.tier_name, accrual.percent) == (
        acme.tier_id,
        "Acme Resellers tier",
        Decimal("5.00"),
    )
    assert (accrual.won_value, accrual.amount, accrual.currency) == (
        Decimal("12345.00"),
        Decimal("617.25"),
        "USD",
    )
    assert (accrual.amount_base, accrual.base_currency) == (Decimal("617.25"), "USD")
    assert accrual.status == EarningStatus.ACCRUED and accrual.batch is None
    assert accrual.won_on == timezone.localdate(registration.closed_at)
    entry = AuditEvent.objects.get(action="earning_accrued")
    assert entry.object_id == str(accrual.pk)
    assert entry.detail["amount"] == "617.25" and entry.detail["registration"] == registration.pk


def test_a_reopened_and_rewon_registration_and_repeated_events_accrue_once(
    acme, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = won(acme, manager=bob)
    # Re-opened (by whatever door) and won again, and the event heard twice more.
    DealRegistration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.APPROVED)
    registration.refresh_from_db()
    from apps.deals.services import registration_transition

    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(
            registration=registration, name="mark_won", actor=bob, actual_value="20000"
        )
    for _ in range(2):
        registration_won.send(
            sender=DealRegistration,
            registration_id=registration.pk,
            partner_id=acme.pk,
            status="won",
            actor_id=bob.pk,
        )
    assert earning_accrue(registration_id=registration.pk) is None
    assert EarningAccrual.objects.filter(registration=registration).count() == 1
    assert AuditEvent.objects.filter(action="earning_accrued").count() == 1


def test_the_database_refuses_a_second_accrual_of_one_registration(acme):
    from django.db import IntegrityError, transaction

    accrual = _accrued(acme)
    with (
        pytest.raises(IntegrityError, match="earning_one_per_registration"),
        transaction.atomic(),
    ):
        EarningAccrual.objects.create(
            registration_id=accrual.registration_id,
            partner=acme,
            tier_name="x",
            percent=Decimal("1"),
            won_value=Decimal("1"),
            currency="USD",
            amount=Decimal("1"),
            base_currency="USD",
            won_on=accrual.won_on,
        )


def test_nothing_accrues_without_a_tier_a_rebate_or_a_win(acme, bob):
    from tests.deals.factories import registration_in
    from tests.factories import PartnerFactory

    no_tier = PartnerFactory(name="No Tier", tier=None)
    assert earning_accrue(registration_id=won(no_tier).pk) is None
    zero = earning_partner("Zero Rebate", "0")
    assert earning_accrue(registration_id=won(zero).pk) is None
    lost = registration_in("lost", partner=acme)
    assert earning_accrue(registration_id=lost.pk) is None
    assert earning_accrue(registration_id=987654321) is None
    assert not EarningAccrual.objects.exists()


def test_the_base_amount_uses_the_rate_in_force_on_the_day_won_and_says_when_there_is_none(
    acme,
):
    today = timezone.localdate()
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.10"), effective_date=today - timedelta(days=60)
    )
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.20"), effective_date=today - timedelta(days=5)
    )
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("9.99"), effective_date=today + timedelta(days=5)
    )
    in_eur = _accrued(acme, "1000.00", currency="EUR")
    assert (in_eur.amount, in_eur.currency) == (Decimal("50.00"), "EUR")
    assert (in_eur.amount_base, in_eur.base_currency) == (Decimal("60.00"), "USD")
    in_gbp = _accrued(acme, "1000.00", currency="GBP")  # no GBP rate at all
    assert in_gbp.amount == Decimal("50.00") and in_gbp.amount_base is None


def test_an_earning_accrued_without_a_rate_is_converted_when_one_is_saved(
    acme, alice, api_for, django_capture_on_commit_callbacks
):
    """The admin adds the missing rate (the rates API, as the rates page does): the accruals
    won on or after its date are converted at it; an earlier one stays without (no rate was in
    force on its day), and an accrual already converted keeps its amount."""
    today = timezone.localdate()
    in_gbp = _accrued(acme, "1000.00", currency="GBP")
    before = _accrued(acme, "400.00", currency="GBP")
    EarningAccrual.objects.filter(pk=before.pk).update(won_on=today - timedelta(days=30))
    assert in_gbp.amount_base is None
    rate = {"currency": "GBP", "rate_to_base": "1.25000000",
            "effective_date": (today - timedelta(days=10)).isoformat()}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(alice).post("/api/v1/exchange-rates/", rate, format="json")
    assert answer.status_code == 201, answer.json()
    in_gbp.refresh_from_db()
    before.refresh_from_db()
    assert in_gbp.amount_base == Decimal("62.50")  # 50.00 GBP at 1.25
    assert before.amount_base is None


def test_the_base_currency_is_the_programs(acme):
    settings = ProgramSettings.get()
    settings.base_currency = "EUR"
    settings.save()
    ExchangeRate.objects.create(
        currency="USD", rate_to_base=Decimal("0.50"), effective_date=date(2020, 1, 1)
    )
    accrual = _accrued(acme, "1000.00")
    assert (accrual.base_currency, accrual.amount_base) == ("EUR", Decimal("25.00"))


@pytest.mark.django_db(transaction=True)
def test_two_won_events_at_once_accrue_once(bob):
    from tests.deals.factories import registration_in

    partner = earning_partner("Racing Partner", "3", manager=bob)
    # Won without the event (which, outside a transaction, would accrue at once).
    registration = registration_in("won", partner=partner, actual_value=Decimal("1000.00"))
    n = 6
    barrier = threading.Barrier(n, timeout=20)
    results: list = []
    errors: list = []

    def accrue() -> None:
        try:
            barrier.wait()
            results.append(earning_accrue(registration_id=registration.pk))
        except Exception as exc:  # noqa: BLE001 - the test reports any error a thread met
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accrue) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert EarningAccrual.objects.filter(registration=registration).count() == 1


# --- payout batches ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", ("2026-11", date(2026, 11, 1), date(2026, 11, 30))),
        ("2024-02", ("2024-02", date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-q4", ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))),
        ("2027-Q1", ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))),
    ],
)
def test_a_period_is_a_month_or_a_quarter(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026-13",
        "2026-Q5",
        "26-11",
        "2026-1",
        " 2026-11",
        "0000-01",
        "2026-11\n",
        None,
        3,
    ],
)
def test_other_periods_are_refused_by_the_field(text):
    with pytest.raises(InvalidInput) as refused:
        parse_period(text)
    assert list(refused.value.errors) == ["period"]


def _won_on(accrual: EarningAccrual, day: date) -> EarningAccrual:
    EarningAccrual.objects.filter(pk=accrual.pk).update(won_on=day)
    accrual.refresh_from_db()
    return accrual


def test_the_batch_written_is_the_batch_previewed(acme, bob):
    globex = earning_partner("Globex Integrators", "2", manager=bob)
    in_period = [
        _won_on(_accrued(acme, "1000.00"), date(2026, 11, 3)),
        _won_on(_accrued(acme, "3000.00", currency="EUR"), date(2026, 11, 30)),
        _won_on(_accrued(globex, "5000.00"), date(2026, 11, 15)),
    ]
    _won_on(_accrued(acme, "7000.00"), date(2026, 12, 1))  # the next month: not taken
    plan = payout_batch_plan(period="2026-11")
    assert sorted(a.pk for a in plan.accruals) == sorted(a.pk for a in in_period)
    assert plan.totals == {"EUR": Decimal("150.00"), "USD": Decimal("150.00")}
    assert not PayoutBatch.objects.exists()  # the preview writes nothing

    batch = payout_batch_create(period="2026-11", actor=bob, expected=plan.fingerprint)
    assert (batch.name, batch.starts_on, batch.ends_on, batch.status) == (
        "2026-11",
        date(2026, 11, 1),
        date(2026, 11, 30),
        BatchStatus.DRAFT,
    )
    assert sorted(batch.accruals.values_list("pk", flat=True)) == sorted(a.pk for a in in_period)
    assert AuditEvent.objects.filter(object_type="funds.payoutbatch", action="create").exists()
    # Written once: a second batch of the period finds nothing to take.
    with pytest.raises(DomainError) as refused:
        payout_batch_create(period="2026-11", actor=bob)
    assert refused.value.code == "conditions_unmet"
    assert PayoutBatch.objects.count() == 1


def test_a_batch_whose_accruals_changed_since_the_preview_is_not_written(acme, bob):
    _won_on(_accrued(acme), date(2026, 11, 3))
    plan = payout_batch_plan(period="2026-11")
    _won_on(_accrued(acme), date(2026, 11, 4))  # won meanwhile
    with pytest.raises(ConcurrentChange):
        payout_batch_create(period="2026-11", actor=bob, expected=plan.fingerprint)
    assert not PayoutBatch.objects.exists()
    assert not EarningAccrual.objects.filter(batch__isnull=False).exists()


def test_only_staff_write_and_run_batches(acme, bob):
    _won_on(_accrued(acme), date(2026, 11, 3))
    finance = user_of(acme)
    with pytest.raises(NotPermitted):
        payout_batch_create(period="2026-11", actor=finance)
    batch = payout_batch_create(period="2026-11", actor=bob)
    with pytest.raises(NotPermitted):
        payout_batch_transition(batch=batch, name="approve", actor=finance)
    assert PayoutBatch.objects.get().status == BatchStatus.DRAFT


def test_approve_then_pay_moves_the_accruals_and_tells_the_partners_finance_side(acme, bob):
    accrual = _won_on(_accrued(acme), date(2026, 11, 3))
    finance, admin, member = (user_of(acme, role) for role in ("finance", "admin", "member"))
    batch = payout_batch_create(period="2026-11", actor=bob)
    with pytest.raises(DomainError) as refused:
        payout_batch_transition(
            batch=batch, name="pay", actor=bob, reference="X", paid_on=date(2026, 12, 5)
        )
    assert refused.value.code == "transition_not_allowed"
    payout_batch_transition(batch=batch, name="approve", actor=bob)
    accrual.refresh_from_db()
    assert accrual.status == EarningStatus.APPROVED
    with pytest.raises(InvalidInput) as bad:
        payout_batch_transition(batch=batch, name="pay", actor=bob, reference=" ", paid_on=None)
    assert "reference" in bad.value.errors
    payout_batch_transition(
        batch=batch, name="pay", actor=bob, reference="REB-2026-11", paid_on=date(2026, 12, 5)
    )
    batch.refresh_from_db()
    accrual.refresh_from_db()
    assert (batch.status, batch.payment_reference, batch.paid_on) == (
        BatchStatus.PAID,
        "REB-2026-11",
        date(2026, 12, 5),
    )
    assert accrual.status == EarningStatus.PAID
    told = set(
        Notification.objects.filter(kind="earnings_paid").values_list("recipient", flat=True)
    )
    assert told == {finance.pk, admin.pk}  # not the member
    assert set(
        AuditEvent.objects.filter(object_type="funds.payoutbatch").values_list("action", flat=True)
    ) == {"create", "approve", "pay"}


def test_a_cancelled_batch_frees_its_accruals_for_a_later_batch(acme, bob):
    accrual = _won_on(_accrued(acme), date(2026, 11, 3))
    first = payout_batch_create(period="2026-Q4", actor=bob)
    payout_batch_transition(batch=first, name="approve", actor=bob)
    payout_batch_transition(batch=first, name="cancel", actor=bob)
    accrual.refresh_from_db()
    assert (accrual.status, accrual.batch_id) == (EarningStatus.ACCRUED, None)
    second = payout_batch_create(period="2026-11", actor=bob)
    assert list(second.accruals.all()) == [accrual]
    with pytest.raises(DomainError):
        payout_batch_transition(batch=first, name="approve", actor=bob)


def test_the_database_keeps_approved_accruals_in_a_batch(acme):
    from django.db import IntegrityError, transaction

    accrual = _accrued(acme)
    with (
        pytest.raises(IntegrityError, match="earning_batched_when_approved"),
        transaction.atomic(),
    ):
        EarningAccrual.objects.filter(pk=accrual.pk).update(status=EarningStatus.APPROVED)


@pytest.mark.django_db(transaction=True)
def test_two_batches_written_at_once_never_share_an_accrual(bob):
    partner = earning_partner("Racing Partner", "3", manager=bob)
    accruals = [_won_on(_accrued(partner), date(2026, 11, d)) for d in (2, 9, 16)]
    managers = [ManagerFactory() for _ in range(4)]
    barrier = threading.Barrier(len(managers), timeout=20)
    outcomes: list[str] = []

    def write(manager, period) -> None:
        try:
            barrier.wait()
            payout_batch_create(period=period, actor=manager)
            outcomes.append("written")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    periods = ["2026-11", "2026-Q4", "2026-11", "2026-Q4"]
    threads = [
        threading.Thread(target=write, args=(m, p)) for m, p in zip(managers, periods, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["conditions_unmet"] * 3 + ["written"]
    batch = PayoutBatch.objects.get()
    assert sorted(batch.accruals.values_list("pk", flat=True)) == sorted(a.pk for a in accruals)
