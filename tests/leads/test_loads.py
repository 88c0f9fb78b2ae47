"""The counts routing reads (apps/leads/loads.py): whatever writes the leads and assignments —
routing, accepting, rejecting, recalling, lapsing, closing, a manager's hand, QuerySet.update()
and bulk_create as sweeps and imports do, deletes, a rule deleted, rolled-back writes — the
counts the triggers keep equal a recount from the source rows, and that recount equals what the
ORM counts itself."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.leads import loads
from apps.leads.loads import LOADS, SHARES
from apps.leads.models import (
    OPEN_WITH_PARTNER,
    Assignment,
    Lead,
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

from .factories import LeadFactory, RejectReasonFactory, RuleFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _kept() -> tuple[set, set]:
    """Every non-zero count (a count down to zero is the same as no row)."""
    open_leads = set(
        PartnerLeadLoad.objects.exclude(open_leads=0).values_list("partner_id", "open_leads")
    )
    shares = set(
        RuleShare.objects.exclude(received=0).values_list("rule_id", "partner_id", "received")
    )
    return open_leads, shares


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
    loads.rebuild()
    assert _kept() == kept


def test_routing_reads_the_kept_counts():
    """A partner at the cap by the kept count is passed over, and the round robin goes by the
    rule's kept count of what it gave."""
    ahead, full, behind = (PartnerFactory(stage=Stage.GROWTH) for _ in range(3))
    rule = RuleFactory()
    RuleShare.objects.create(rule=rule, partner=ahead, received=5)
    PartnerLeadLoad.objects.create(partner=full, open_leads=LeadSettings.get().open_leads_cap)

    lead = LeadFactory()
    lead_route(lead=lead, now=NOW)

    lead.refresh_from_db()
    assert lead.partner == behind


def test_the_counts_empty_with_the_tables_and_are_recounted_by_command():
    partner = PartnerFactory(stage=Stage.GROWTH)
    RuleFactory()
    lead_route(lead=LeadFactory(), now=NOW)
    assert _kept() == ({(partner.pk, 1)}, {(RoutingRule.objects.get().pk, partner.pk, 1)})
    PartnerLeadLoad.objects.all().delete()
    RuleShare.objects.all().delete()

    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    assert _kept() == _counted() != (set(), set())
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
    assert LOADS in chooser[0] and SHARES in chooser[0]
    assert f'FROM "{Lead._meta.db_table}"' not in chooser[0]
    assert f'FROM "{Assignment._meta.db_table}"' not in chooser[0]
