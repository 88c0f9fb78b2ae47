"""PostgreSQL only: the unique index under two concurrent approvals; the plans use indexes."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.errors import DomainError
from apps.deals.filters import review_queue
from apps.deals.models import DealRegistration, Status
from apps.deals.normalize import name_key
from apps.deals.selectors import find_conflicts
from apps.deals.services import registration_transition
from tests.deals.factories import RegistrationFactory, word

pytestmark = []


def _race(regs, actor, pause_after_check: bool):
    """Approve each registration in its own thread and connection, all at the same moment."""
    barrier = threading.Barrier(len(regs), timeout=20)
    original = DealRegistration.domain_holder
    local = threading.local()

    def holder_then_wait(self):
        qs = original(self)
        if pause_after_check and not getattr(local, "waited", False):
            qs.exists()  # both threads see no holder before either writes
            local.waited = True
            barrier.wait()
        return qs

    results: dict[int, object] = {}

    def run(reg_pk):
        try:
            reg = DealRegistration.objects.select_related("partner").get(pk=reg_pk)
            if not pause_after_check:
                barrier.wait()
            registration_transition(registration=reg, name="approve", actor=actor)
            results[reg_pk] = "approved"
        except DomainError as exc:
            results[reg_pk] = exc.code
        finally:
            connections.close_all()

    DealRegistration.domain_holder = holder_then_wait
    try:
        threads = [threading.Thread(target=run, args=(r.pk,)) for r in regs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        DealRegistration.domain_holder = original
    return results


@pytest.mark.django_db(transaction=True)
def test_two_conflicting_approvals_at_once_approve_exactly_one(acme, globex, bob):
    first = RegistrationFactory(partner=acme, customer_domain="initech.com")
    second = RegistrationFactory(partner=globex, customer_domain="initech.com")
    results = _race([first, second], bob, pause_after_check=True)
    assert sorted(map(str, results.values())) == ["approved", "domain_protected"]
    assert DealRegistration.objects.filter(status=Status.APPROVED).count() == 1
    loser = first if results[first.pk] == "domain_protected" else second
    loser.refresh_from_db()
    assert loser.status == Status.SUBMITTED and not loser.events.exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_registration_at_once_apply_once(acme, bob):
    reg = RegistrationFactory(partner=acme)
    barrier = threading.Barrier(2, timeout=20)
    outcomes = []

    def run():
        try:
            with transaction.atomic():
                obj = DealRegistration.objects.select_related("partner").get(pk=reg.pk)
                barrier.wait()
                registration_transition(registration=obj, name="approve", actor=bob)
            outcomes.append("approved")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["approved", "concurrent_change"]
    reg.refresh_from_db()
    assert reg.events.count() == 1


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _fill(partner, n: int) -> None:
    """n open registrations with made-up names and domains, and fresh planner statistics."""
    template = RegistrationFactory.build(partner=partner)
    rows = []
    for i in range(n):
        w = word(10_000 + i)
        rows.append(
            DealRegistration(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in DealRegistration._meta.concrete_fields
                    if f.attname not in ("id", "customer_name", "customer_domain")
                },
                customer_name=f"{w.title()} Inc",
                customer_domain=f"{w}.example",
            )
        )
    for row in rows:
        row.customer_name_key = name_key(row.customer_name)
    DealRegistration.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_dealregistration")
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.mark.django_db
def test_conflict_detection_uses_the_indexes_not_a_table_scan(acme, globex):
    _fill(globex, 5000)
    reg = RegistrationFactory(partner=acme, customer_name="Northwind Traders")
    with CaptureQueriesContext(connection) as ctx:
        find_conflicts(reg)
    names_sql, others_sql = (q["sql"] for q in ctx.captured_queries)
    names_plan, others_plan = _plan(names_sql), _plan(others_sql)
    assert "deal_name_trgm_idx" in names_plan, names_plan
    assert "deal_domain_idx" in others_plan, others_plan
    for plan in (names_plan, others_plan):
        assert "Seq Scan on deals_dealregistration" not in plan, plan


@pytest.mark.django_db
def test_the_review_queue_reads_the_waiting_index(acme):
    _fill(acme, 5000)
    plan = review_queue({})[:50].explain()
    assert "deal_waiting_idx" in plan, plan
    assert "Seq Scan on deals_dealregistration" not in plan
