"""The counts routing reads (apps/leads/loads.py): whatever writes the leads and assignments —
routing, accepting, rejecting, recalling, lapsing, closing, a manager's hand, QuerySet.update()
and bulk_create as sweeps and imports do, deletes, a rule deleted, rolled-back writes — the
counts the triggers keep equal a recount from the source rows, and that recount equals what the
ORM counts itself."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.sweeps import run
from apps.leads import loads
from apps.leads.loads import CHANGES, LOADS, SHARES
from apps.leads.models import (
    OPEN_WITH_PARTNER,
    Assignment,
    Lead,
    LeadCountChange,
    LeadSettings,
    PartnerLeadLoad,
    RoutingRule,
    RuleShare,
    Status,
)
from apps.leads.routing import choose
from apps.leads.services import (
    lead_accept,
    lead_assign,
    lead_close,
    lead_lapse,
    lead_recall,
    lead_reject,
    lead_route,
)
from apps.partners.models import Stage
from tests.factories import ManagerFactory, PartnerFactory, PartnerUserFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _kept() -> tuple[set, set]:
    """Every non-zero count as routing reads it: the row plus the changes not yet folded (a
    count down to zero is the same as no row)."""
    open_leads: Counter = Counter(
        dict(PartnerLeadLoad.objects.values_list("partner_id", "open_leads"))
    )
    shares: Counter = Counter(
        {
            (r, p): n
            for r, p, n in RuleShare.objects.values_list("rule_id", "partner_id", "received")
        }
    )
    for partner, rule, n in LeadCountChange.objects.values_list("partner_id", "rule_id", "n"):
        if rule is None:
            open_leads[partner] += n
        else:
            shares[(rule, partner)] += n
    return (
        {(p, n) for p, n in open_leads.items() if n},
        {(r, p, n) for (r, p), n in shares.items() if n},
    )


def _counted() -> tuple[set, set]:
    """The same counts, counted by the ORM from the leads and assignments."""
    open_leads = Counter(
        Lead.objects.filter(status__in=OPEN_WITH_PARTNER, partner__isnull=False).values_list(
            "partner_id", flat=True
        )
    )
    shares = Counter(
        Assignment.objects.filter(rule__isnull=False).values_list("rule_id", "partner_id")
    )
    return set(open_leads.items()), {(r, p, n) for (r, p), n in shares.items()}


ACTIONS = ["route", "accept", "reject", "recall", "lapse", "lapse_reroute", "close", "assign"]
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.booleans()),
        st.tuples(st.just("act"), st.sampled_from(ACTIONS), st.integers(0, 20), st.integers(0, 2)),
        st.tuples(st.just("move_all"), st.integers(0, 2)),  # a bulk update, as an import makes
        st.tuples(st.just("bulk_create"), st.integers(1, 4), st.integers(0, 2)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("delete_rule"), st.integers(0, 1)),
        st.just(("rolled_back",)),
    ),
    max_size=20,
)


def _act(name: str, lead: Lead, partner, people: dict, manager) -> None:
    user = people.get(lead.partner_id) or people[partner.pk]  # not its partner: refused
    calls = {
        "route": lambda: lead_route(lead=lead, now=NOW, actor=manager),
        "accept": lambda: lead_accept(lead=lead, actor=user),
        "reject": lambda: lead_reject(lead=lead, actor=user, reason=RejectReasonFactory()),
        "recall": lambda: lead_recall(lead=lead, actor=manager, reroute=True),
        "lapse": lambda: lead_lapse(lead=lead, now=NOW, reroute=False),
        "lapse_reroute": lambda: lead_lapse(lead=lead, now=NOW, reroute=True),
        "close": lambda: lead_close(lead=lead, actor=manager, reason="Gone quiet"),
        "assign": lambda: lead_assign(lead=lead, partner=partner, actor=manager),
    }
    try:
        with transaction.atomic():
            calls[name]()
    except (DomainError, InvalidInput, NotPermitted):
        pass  # not open from this state, or not this user's: nothing written


def _run(op, partners, people, manager) -> None:
    leads = list(Lead.objects.order_by("created_at", "pk"))
    kind = op[0]
    if kind == "create":
        lead = LeadFactory()
        if op[1]:
            lead_route(lead=lead, now=NOW, actor=manager)
    elif kind == "act" and leads:
        _act(op[1], leads[op[2] % len(leads)], partners[op[3]], people, manager)
    elif kind == "move_all":
        Lead.objects.filter(partner__isnull=False).update(partner=partners[op[1]])
    elif kind == "bulk_create":  # as the bench seeder's COPY: many rows in one statement
        Lead.objects.bulk_create(
            LeadFactory.build(status=Status.ASSIGNED, partner=partners[op[2]]) for _ in range(op[1])
        )
    elif kind == "delete" and leads:
        leads[op[1] % len(leads)].delete()  # its assignments go with it
    elif kind == "delete_rule":
        rules = list(RoutingRule.objects.order_by("pk"))
        if rules:
            rules[op[1] % len(rules)].delete()  # its assignments keep their partner, lose the rule
    elif kind == "rolled_back":
        with transaction.atomic():  # routed, then rolled back: no count may stay behind
            lead_route(lead=LeadFactory(), now=NOW, actor=manager)
            transaction.set_rollback(True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_the_counts_equal_a_recount_whatever_the_writes(operations):
    Lead.objects.all().delete()
    RoutingRule.objects.all().delete()
    manager = ManagerFactory()
    partners = [PartnerFactory(stage=Stage.GROWTH, countries=["DE"]) for _ in range(3)]
    people = {p.pk: PartnerUserFactory(partner=p) for p in partners}
    RuleFactory(countries=["DE"])
    RuleFactory()
    for op in operations:
        _run(op, partners, people, manager)

    kept = _kept()

    assert kept == _counted()
    loads.fold()
    assert not LeadCountChange.objects.exists()
    assert _kept() == kept
    loads.rebuild()
    assert _kept() == kept


def test_routing_reads_the_kept_counts():
    """A partner at the cap by the kept count is passed over, and the round robin goes by the
    rule's kept count of what it gave."""
    ahead, full, behind, unfolded = (PartnerFactory(stage=Stage.GROWTH) for _ in range(4))
    rule = RuleFactory()
    RuleShare.objects.create(rule=rule, partner=ahead, received=5)
    cap = LeadSettings.get().open_leads_cap
    PartnerLeadLoad.objects.create(partner=full, open_leads=cap - 1)
    LeadCountChange.objects.create(partner_id=full.pk, n=1)  # at the cap with its change
    LeadCountChange.objects.create(partner_id=unfolded.pk, rule_id=rule.pk, n=2)  # given 2

    lead = LeadFactory()
    lead_route(lead=lead, now=NOW)

    lead.refresh_from_db()
    assert lead.partner == behind


def test_the_counts_empty_with_the_tables_and_are_recounted_by_command():
    partner = PartnerFactory(stage=Stage.GROWTH)
    RuleFactory()
    lead_route(lead=LeadFactory(), now=NOW)
    assert _kept() == ({(partner.pk, 1)}, {(RoutingRule.objects.get().pk, partner.pk, 1)})
    for kept in (PartnerLeadLoad, RuleShare, LeadCountChange):
        kept.objects.all().delete()

    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    assert _kept() == _counted() != (set(), set())
    assert not LeadCountChange.objects.exists()  # recounted into the rows
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as bench/seed.py --flush does
        cursor.execute(f"TRUNCATE {Lead._meta.db_table} CASCADE")  # noqa: S608 — our table
    assert _kept() == (set(), set())


def test_the_routing_statement_joins_the_counts_instead_of_counting_per_partner():
    """What keeps routing's cost flat as the program grows: the statement choosing among a rule's
    matching partners reads the kept counts, not the leads or assignments of each partner."""
    for _ in range(3):
        PartnerFactory(stage=Stage.GROWTH)
    RuleFactory()
    lead = LeadFactory()
    with CaptureQueriesContext(connection) as ctx:
        choice = choose(lead)
    assert choice is not None
    chooser = [q["sql"] for q in ctx.captured_queries if '"share"' in q["sql"]]
    assert len(chooser) == 1, [q["sql"] for q in ctx.captured_queries]
    assert LOADS in chooser[0] and SHARES in chooser[0] and CHANGES in chooser[0]
    assert f'FROM "{Lead._meta.db_table}"' not in chooser[0]
    assert f'FROM "{Assignment._meta.db_table}"' not in chooser[0]


@pytest.mark.django_db(transaction=True)
def test_writes_moving_leads_between_two_partners_in_opposite_orders_never_wait_on_each_other():
    """A lead rejected by one partner and routed to the other counts down the first, then up the
    second, in one transaction. Two such crossing at once, each between its two statements when
    the other runs, would each hold a count row the other needs (a deadlock) were the counts
    added into the partners' rows; appended, both commit."""
    first, second = (PartnerFactory(stage=Stage.GROWTH) for _ in range(2))
    one = LeadFactory(status=Status.ASSIGNED, partner=first)
    other = LeadFactory(status=Status.ASSIGNED, partner=second)
    barrier = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def move(lead: Lead, to) -> None:
        try:
            with transaction.atomic():
                Lead.objects.filter(pk=lead.pk).update(partner=None, status=Status.NEW)
                barrier.wait()  # both have counted down their partner
                Lead.objects.filter(pk=lead.pk).update(partner=to, status=Status.ASSIGNED)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=move, args=(one, second)),
        threading.Thread(target=move, args=(other, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert errors == []
    assert _kept() == _counted() == ({(first.pk, 1), (second.pk, 1)}, set())


def test_the_sweep_folds_the_changes_every_minute(settings):
    assert settings.SWEEP_SCHEDULE["lead_counts"] == 60
    partner = PartnerFactory(stage=Stage.GROWTH)
    RuleFactory()
    lead_route(lead=LeadFactory(), now=NOW)
    assert LeadCountChange.objects.count() == 2  # its open lead, and what the rule gave it

    assert run("lead_counts", NOW) == {"folded": 2}

    assert not LeadCountChange.objects.exists()
    assert PartnerLeadLoad.objects.get(partner=partner).open_leads == 1
    assert RuleShare.objects.get(partner=partner).received == 1


def test_a_repeat_fold_reads_no_change_it_folded():
    PartnerFactory(stage=Stage.GROWTH)
    RuleFactory()
    for _ in range(3):
        lead_route(lead=LeadFactory(), now=NOW)
    assert run("lead_counts", NOW)["folded"] >= 3

    result, scans = scans_of(lambda: run("lead_counts", NOW), (CHANGES,))

    assert result == {"folded": 0}
    assert_reads_nothing_handled(scans, {CHANGES: None})  # either index: both are empty
