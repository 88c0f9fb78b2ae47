"""The money figures kept per partner (apps/dashboard/money.py) say what money() computes from the
registrations — for each period, for the program and for one manager — whatever the writes
(registrations, closes, values, currencies, tiers, exchange rates, the base currency) and however
the clock moves; and each kind of write marks what it changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.dashboard import metrics, money
from apps.dashboard.metrics import common
from apps.dashboard.models import ALL_PARTNERS, MoneyMark, PartnerMoney
from apps.deals.models import DealRegistration
from apps.partners.models import Partner
from apps.program.models import ExchangeRate, ProgramSettings
from tests.dashboard.conftest import NOW
from tests.factories import ManagerFactory, PartnerFactory, TierFactory
from tests.qbrs.factories import registration

pytestmark = pytest.mark.django_db

CURRENCIES = ["USD", "EUR", "GBP"]


def _agree(now, manager=None) -> None:
    for days in money.WINDOWS:
        stored = money.figures(now, days, manager)
        assert stored == metrics.money(now, days, manager), (days, manager)


days = st.floats(min_value=0, max_value=400, allow_nan=False)
who = st.integers(0, 2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("register"),
            who,
            st.sampled_from(["approved", "submitted"]),
            st.sampled_from(CURRENCIES),
            st.integers(1, 90_000),
        ),
        st.tuples(st.just("close"), st.integers(0, 20), st.booleans(), days),
        st.tuples(st.just("value"), st.integers(0, 20), st.integers(1, 90_000)),
        st.tuples(st.just("currency"), st.integers(0, 20), st.sampled_from(CURRENCIES)),
        st.tuples(st.just("tier"), who, st.integers(0, 2)),
        st.tuples(st.just("rename"), who, st.sampled_from(["Alpha", "Beta", "Gamma"])),
        st.tuples(
            st.just("rate"),
            st.sampled_from(CURRENCIES[1:]),
            st.integers(-400, 20),
            st.integers(50, 200),
        ),
        st.tuples(st.just("base"), st.sampled_from(CURRENCIES)),
        st.tuples(
            st.just("tick"),
            st.one_of(
                st.floats(min_value=0, max_value=30, allow_nan=False),
                st.floats(min_value=0, max_value=24 * 60, allow_nan=False),
            ),
        ),
        st.tuples(st.just("check"), st.booleans()),
        st.tuples(st.just("check"), st.booleans()),
    ),
    max_size=30,
)


def _nth(n: int):
    rows = list(DealRegistration.objects.order_by("pk"))
    return rows[n % len(rows)] if rows else None


def _run(op, partners, tiers, clock, manager):  # noqa: C901 — one branch per kind of write
    kind = op[0]
    if kind == "register":
        registration(
            partners[op[1]],
            status=op[2],
            currency=op[3],
            value=str(op[4]),
            submitted_at=clock - timedelta(days=400),
        )
    elif kind == "close" and (reg := _nth(op[1])):
        DealRegistration.objects.filter(pk=reg.pk).update(
            status="won" if op[2] else "lost", closed_at=clock - timedelta(days=op[3])
        )
    elif kind == "value" and (reg := _nth(op[1])):
        DealRegistration.objects.filter(pk=reg.pk).update(actual_value=Decimal(op[2]) / 100)
    elif kind == "currency" and (reg := _nth(op[1])):
        DealRegistration.objects.filter(pk=reg.pk).update(currency=op[2])
    elif kind == "tier":
        Partner.objects.filter(pk=partners[op[1]].pk).update(tier=tiers[op[2]])
    elif kind == "rename":
        Partner.objects.filter(pk=partners[op[1]].pk).update(name=f"{op[2]} {op[1]}")
    elif kind == "rate":
        ExchangeRate.objects.update_or_create(
            currency=op[1],
            effective_date=timezone.localdate(clock) + timedelta(days=op[2]),
            defaults={"rate_to_base": Decimal(op[3]) / 100},
        )
    elif kind == "base":
        ProgramSettings.objects.filter(pk=ProgramSettings.get().pk).update(base_currency=op[1])
    elif kind == "check":
        _agree(clock, manager if op[1] else None)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_stored_money_equals_computing_it_from_the_registrations_whatever_the_writes(
    django_db_blocker, monkeypatch, operations
):
    # No daily recheck: the due moments alone must catch every change the clock makes.
    monkeypatch.setattr(common, "RECHECK_DAYS", 100_000)
    with django_db_blocker.unblock(), transaction.atomic():
        manager = ManagerFactory()
        tiers = [TierFactory(name=f"Money tier {i}", rank=10 + i) for i in range(2)] + [None]
        partners = [
            PartnerFactory(stage="growth", manager=manager if i else None) for i in range(3)
        ]
        clock = NOW
        ProgramSettings.get()
        _agree(clock)
        for op in operations:
            if op[0] == "tick":
                clock += timedelta(hours=op[1])
            else:
                _run(op, partners, tiers, clock, manager)
        _agree(clock)
        _agree(clock, manager)
        clock += timedelta(days=100)  # windows slide past what was written
        _agree(clock)
        transaction.set_rollback(True)


@pytest.fixture
def acme(db):
    return PartnerFactory(name="Acme Resellers", stage="growth")


def _marked() -> set[int]:
    return set(MoneyMark.objects.values_list("partner_id", flat=True))


def test_each_watched_write_marks_what_it_changes_and_other_columns_do_not(acme):
    now = timezone.now()
    money.refresh(now)
    reg = registration(acme, status="approved", submitted_at=now)
    assert _marked() == {acme.pk}
    money.refresh(now)
    DealRegistration.objects.filter(pk=reg.pk).update(description="not read by the figures")
    Partner.objects.filter(pk=acme.pk).update(website="https://acme.example")
    assert _marked() == set()
    Partner.objects.filter(pk=acme.pk).update(tier=TierFactory())
    assert _marked() == {acme.pk}
    money.refresh(now)
    ExchangeRate.objects.create(currency="EUR", rate_to_base="1.1", effective_date=now.date())
    assert _marked() == {ALL_PARTNERS}


def test_a_win_leaving_the_period_makes_the_figures_due(monkeypatch, acme):
    monkeypatch.setattr(common, "RECHECK_DAYS", 100_000)
    now = timezone.now()
    registration(acme, status="won", value="100", submitted_at=now, closed_at=now)
    assert money.figures(now, 30)["won"] == Decimal("100.00")
    later = now + timedelta(days=31)
    after = money.figures(later, 30)
    assert after == metrics.money(later, 30)
    assert after["won"] == 0


def test_a_rate_coming_into_force_makes_the_figures_due(monkeypatch, acme):
    monkeypatch.setattr(common, "RECHECK_DAYS", 100_000)
    now = timezone.now()
    registration(acme, status="approved", currency="EUR", value="50", submitted_at=now)
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base="2", effective_date=timezone.localdate(now) + timedelta(3)
    )
    assert money.figures(now, 30)["missing_currencies"] == ["EUR"]
    later = now + timedelta(days=4)
    after = money.figures(later, 30)
    assert after == metrics.money(later, 30)
    assert after["pipeline"] == Decimal("100.00")  # 50 EUR at 2


def test_a_period_not_stored_is_computed_from_the_registrations(acme):
    now = timezone.now()
    registration(acme, status="won", value="100", submitted_at=now, closed_at=now)
    assert money.figures(now, 7) == metrics.money(now, 7)
    assert not PartnerMoney.objects.filter(computed_at__gt=now).exists()


def test_currencies_without_a_rate_are_named_once_whoever_lacks_them(acme):
    """The lacking currencies come back as the codes themselves, each once, from the pipeline
    and from the wins of the period alike; a win before the period names nothing."""
    now = timezone.now()
    globex = PartnerFactory(name="Globex", stage="growth")
    registration(acme, status="approved", currency="CHF", value="10", submitted_at=now)
    registration(globex, status="approved", currency="CHF", value="20", submitted_at=now)
    registration(
        globex, status="won", currency="JPY", value="3000", submitted_at=now, closed_at=now
    )
    old = now - timedelta(days=200)
    registration(acme, status="won", currency="SEK", value="5", submitted_at=old, closed_at=old)
    registration(acme, status="approved", currency="USD", value="7", submitted_at=now)
    for days in money.WINDOWS:
        stored = money.figures(now, days)
        assert stored == metrics.money(now, days), days
        expected = ["CHF", "JPY"] + (["SEK"] if days == 365 else [])
        assert stored["missing_currencies"] == expected, days
        assert stored["missing"] == 3 + (days == 365), days
        assert stored["pipeline"] == Decimal("7.00"), days
