"""The registration roll-ups (apps/dashboard/rollups.py): whatever writes the registrations —
the services and their django-fsm transitions, QuerySet.update() as sweeps and imports do,
bulk_create as COPY seeding does, deletes, rolled-back writes — the increments the triggers
keep equal a rebuild from the source rows; and the percentiles read from the review-time
buckets stay within the error bound the page states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.dashboard import rollups
from apps.dashboard.models import ALL_PARTNERS, RegistrationDay, ReviewTime
from apps.deals.models import DealRegistration, Status
from apps.deals.services import registration_transition
from tests.dashboard.conftest import NOW
from tests.deals.factories import RegistrationFactory
from tests.factories import ManagerFactory, PartnerFactory

pytestmark = pytest.mark.django_db

TRANSITIONS = ["approve", "reject", "withdraw", "extend", "mark_won", "mark_lost", "expire"]
INPUT = {
    "reject": {"reason": "Direct account."},
    "extend": {"days": 10},
    "mark_lost": {"reason": "Price"},
}


def _kept() -> tuple[set, set]:
    """Every non-zero roll-up row (a row counted down to zero is the same as no row)."""
    days = {
        (r["day"], r["partner_id"], *(r[c] for c in rollups.COUNT_COLUMNS))
        for r in RegistrationDay.objects.values()
        if any(r[c] for c in rollups.COUNT_COLUMNS)
    }
    reviews = set(ReviewTime.objects.exclude(n=0).values_list("day", "partner_id", "bucket", "n"))
    return days, reviews


def _rebuilt() -> tuple[set, set]:
    rollups.rebuild()
    return _kept()


hours = st.floats(min_value=0, max_value=24 * 120, allow_nan=False)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 2), hours),
        st.tuples(st.just("transition"), st.integers(0, 30), st.sampled_from(TRANSITIONS), hours),
        st.tuples(st.just("shift_all"), st.floats(min_value=-72, max_value=72)),
        st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 2)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("bulk_create"), st.integers(1, 5), hours),
        st.tuples(st.just("rolled_back"), hours),
    ),
    max_size=25,
)


class _Boom(Exception):
    pass


def _run(op, partners, manager) -> None:  # noqa: C901, PLR0912 — one branch per kind of write
    regs = list(DealRegistration.objects.order_by("submitted_at", "pk"))
    kind = op[0]
    if kind == "create":
        RegistrationFactory(partner=partners[op[1]], submitted_at=NOW - timedelta(hours=op[2]))
    elif kind == "transition" and regs:
        reg = regs[op[1] % len(regs)]
        name = op[2]
        actor = {"withdraw": None, "expire": None}.get(name, manager)
        try:
            with transaction.atomic():
                registration_transition(
                    registration=reg,
                    name=name,
                    actor=actor,
                    now=reg.submitted_at + timedelta(hours=op[3]),
                    **INPUT.get(name, {}),
                )
        except (DomainError, InvalidInput, NotPermitted):
            pass  # not open from this state: nothing written
    elif kind == "shift_all":  # a bulk update, as a sweep or an import makes
        DealRegistration.objects.update(submitted_at=NOW - timedelta(hours=200 - op[1]))
    elif kind == "move" and regs:
        DealRegistration.objects.filter(pk=regs[op[1] % len(regs)].pk).update(
            partner=partners[op[2]]
        )
    elif kind == "delete" and regs:
        regs[op[1] % len(regs)].delete()
    elif kind == "bulk_create":  # as the bench seeder's COPY: many rows in one statement
        DealRegistration.objects.bulk_create(
            RegistrationFactory.build(
                partner=partners[0],
                submitted_at=NOW - timedelta(hours=op[2] + i),
                status=Status.REJECTED,
                reviewed_at=NOW - timedelta(hours=op[2] / 2),
            )
            for i in range(op[1])
        )
    elif kind == "rolled_back":
        try:
            with transaction.atomic():
                RegistrationFactory(partner=partners[1], submitted_at=NOW - timedelta(hours=op[1]))
                raise _Boom
        except _Boom:
            pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_it_keeps_the_rollups_equal_to_a_rebuild_whatever_the_writes(operations):
    DealRegistration.objects.all().delete()
    manager = ManagerFactory()
    partners = [PartnerFactory(stage="growth", manager=manager) for _ in range(3)]
    for op in operations:
        _run(op, partners, manager)

    kept = _kept()

    assert kept == _rebuilt()
    whole = {(day, p) for day, p, *_ in kept[0]}
    assert all((day, ALL_PARTNERS) in whole for day, _ in whole)  # the program's row is kept too


def test_it_counts_what_happened_on_each_day(bob):
    acme = PartnerFactory(stage="growth")
    reg = RegistrationFactory(partner=acme, submitted_at=NOW - timedelta(days=3))
    registration_transition(
        registration=reg, name="approve", actor=bob, now=NOW - timedelta(days=1)
    )
    registration_transition(registration=reg, name="mark_won", actor=bob, now=NOW)

    rows = {
        (r.day, r.partner_id): (r.submitted, r.approved, r.rejected, r.won, r.lost)
        for r in RegistrationDay.objects.exclude(submitted=0, approved=0, won=0)
    }
    day = NOW.date()
    for scope in (acme.pk, ALL_PARTNERS):
        assert rows[(day - timedelta(days=3), scope)] == (1, 0, 0, 0, 0)
        assert rows[(day - timedelta(days=1), scope)] == (0, 1, 0, 0, 0)
        assert rows[(day, scope)] == (0, 0, 0, 1, 0)
    # reviewed 48 h after submission: the bucket (47 h, 48 h]
    assert set(ReviewTime.objects.values_list("day", "bucket", "n")) == {
        (day - timedelta(days=1), 48, 1)
    }


def test_it_empties_the_rollups_with_the_table_and_rebuilds_them_by_command(acme):
    RegistrationFactory(partner=acme, submitted_at=NOW)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RegistrationDay._meta.db_table}")  # noqa: S608 — our table
    assert not RegistrationDay.objects.exists()

    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    assert RegistrationDay.objects.filter(partner_id=acme.pk, submitted=1).exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as bench/seed.py --flush does
        cursor.execute(f"TRUNCATE {DealRegistration._meta.db_table} CASCADE")  # noqa: S608
    assert not RegistrationDay.objects.exists()


# --- the percentiles' error bound ----------------------------------------------------------------
def _exact(values: list[float], fraction: float) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) v",
            [fraction, values],
        )
        return cursor.fetchone()[0]


def _buckets(values: list[float]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT dashboard_review_bucket(v::numeric), COUNT(*) FROM unnest(%s::float8[]) v "
            "GROUP BY 1",
            [values],
        )
        return dict(cursor.fetchall())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.one_of(
            st.floats(min_value=0, max_value=3600 * 200, allow_nan=False),  # up to ~a week
            st.integers(0, 200).map(lambda h: float(h * 3600)),  # on bucket edges
            st.floats(min_value=0, max_value=3600 * 24 * 4000, allow_nan=False),  # up to ~11 years
        ),
        min_size=1,
        max_size=60,
    ),
    fraction=st.sampled_from([0.5, 0.9]),
)
def test_it_reads_percentiles_from_the_buckets_within_the_stated_bound(values, fraction):
    counts = _buckets(values)
    estimate = rollups.percentiles(counts, (fraction,))[fraction]
    bound = rollups.error_bound(counts, fraction)

    assert abs(estimate - _exact(values, fraction)) <= bound + 1e-6
    # what the page states: under an hour while the neighbouring reviews took up to a week
    ranked = sorted(values)
    rank = 1 + fraction * (len(values) - 1)
    if ranked[min(int(rank), len(values) - 1)] <= rollups.HOURLY_UP_TO * rollups.HOUR:
        assert bound <= rollups.HOUR


def test_it_keeps_the_bucket_function_and_its_python_edges_in_step():
    for bucket in range(rollups.LAST_BUCKET):
        low, high = rollups.bucket_edges(bucket)
        assert _buckets([high]) == {bucket: 1}
        if high > low:
            assert _buckets([low + 0.001]) == {bucket: 1}
    assert _buckets([rollups.OPEN_FROM + 1]) == {rollups.LAST_BUCKET: 1}


moments = st.floats(min_value=-24 * 5, max_value=24 * 5, allow_nan=False).map(
    lambda h: NOW + timedelta(hours=h)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(moments, st.sampled_from(["submitted", "rejected", "won"])), max_size=12
    ),
    start=moments,
    length=st.floats(min_value=0, max_value=24 * 6, allow_nan=False),
    present=moments,
)
def test_it_counts_any_period_from_whole_days_and_signed_edges(rows, start, length, present):
    """The period's figures read from the roll-ups' whole days, corrected by signed partial
    days (rollups.split), equal a count over the rows — whatever the period, wherever the
    clock stands, with rows before, inside and after it (a period ending now counts its last
    day whole and takes out the rows after the end)."""
    from apps.dashboard.metrics import deals as figures
    from apps.dashboard.metrics.common import Window

    DealRegistration.objects.all().delete()
    partner = PartnerFactory(stage="growth")
    for at, status in rows:
        extra = {"reviewed_at": at + timedelta(hours=3)} if status == "rejected" else {}
        if status == "won":
            extra = {"approved_at": at, "closed_at": at + timedelta(hours=1)}
        RegistrationFactory(partner=partner, submitted_at=at, status=status, **extra)
    end = start + timedelta(hours=length)
    cut = rollups.split(start, end, present)
    got = figures.registrations(present, Window(start=start, end=end, days=1 + int(length // 24)))

    def inside(moment) -> bool:
        return moment is not None and start <= moment <= end

    regs = list(DealRegistration.objects.all())
    assert got["totals"]["submitted"] == sum(inside(r.submitted_at) for r in regs), cut
    assert got["totals"]["rejected"] == sum(
        r.status == "rejected" and inside(r.reviewed_at) for r in regs
    )
    assert got["reviewed"] == sum(inside(r.reviewed_at) for r in regs)
    assert got["won"] == sum(r.status == "won" and inside(r.closed_at) for r in regs)
