"""Constant query counts: the sweep, the lists, the portal page, whatever the number of rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from apps.enablement.models import Resource
from apps.partners.models import Stage
from apps.program.models import ExchangeRate
from apps.tiers.models import ProposalStatus, TierProposal
from apps.tiers.services import evaluate_tiers
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.tiers.factories import ExchangeRateFactory, TierProposalFactory, won

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def population(n, tiers, bob):
    """n partners, each with won deals in two currencies, a partner user, and something to do:
    a third qualify for Silver, a third sit on Gold far below it, a third stay put."""
    ExchangeRateFactory(
        currency="EUR", rate_to_base=Decimal("1.1"), effective_date=date(2026, 1, 1)
    )
    for i in range(n):
        kind = i % 3
        tier = tiers["Gold"] if kind == 1 else tiers["Bronze"]
        partner = PartnerFactory(stage=Stage.GROWTH, tier=tier, manager=bob)
        PartnerUserFactory(partner=partner)
        deals = 5 if kind == 0 else 1
        for _ in range(deals):
            won(partner, "50000", closed_at=NOW - timedelta(days=5), currency="EUR")
        won(partner, "10", closed_at=NOW - timedelta(days=5), currency="USD")


def sweep_queries(n, tiers, bob) -> list[list[str]]:
    """Run the sweep three times (first sight, grace period over, a repeat) over n partners and
    return the SQL of each run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    population(n, tiers, bob)
    runs = []
    for now in (NOW, NOW + timedelta(days=31), NOW + timedelta(days=32)):
        with CaptureQueriesContext(connection) as ctx:
            evaluate_tiers(now)
        runs.append([q["sql"] for q in ctx.captured_queries])
    return runs


# Queries per run, whatever the number of partners:
#   4  the lock: program settings, savepoint, the settings row FOR UPDATE, … release
#   7  reads: tiers, active partners, the ONE aggregation of won registrations (converted in SQL
#      with the rate in force on each close date), standings, open proposals, held dismissals,
#      the certified people per partner (enablement; a tier may require some)
#   3  writes always: nested savepoint, withdraw proposals of partners no longer active, release
#   5  what to evaluate: the database clock, the configuration (tiers, rates), the last run's
#      mark; after the run, the mark written
#   +2 from the second run on, the partners something happened to (one UNION of index ranges,
#      one join of partners and standings); +1 on another day than the last run: the currencies
#      the standings could not convert (the daily notice)
#   +  what is due:
#      day 0:  insert standings, insert proposals, recipients, their languages (each reads the
#              notification in their own), existing keys, insert notifications
#              (auto: one partner update per target tier, insert changes, reset clocks instead of
#              inserting proposals)
#      day 31: refresh open proposals' figures, update standings, insert demotion proposals,
#              recipients, their languages, existing keys, insert notifications
#      day 32: nothing new to propose or send
#      (auto: and the promoted partners' standings note the tier they were placed in, per tier)
EXPECTED = {
    # day 31 evaluates only the third whose grace period ran out (their figures unchanged, the
    # others' proposals keep theirs: one write fewer unless auto); day 32 finds no one to
    # evaluate: no aggregation, no writes but the mark's
    False: [4 + 7 + 3 + 5 + 6, 4 + 7 + 3 + 5 + 3 + 6, 16],
    True: [4 + 7 + 3 + 5 + 8 + 1, 4 + 7 + 3 + 5 + 3 + 6, 16],
}


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("auto", [False, True])
def test_it_evaluates_5_or_50_partners_in_the_same_number_of_queries(tiers, bob, program, n, auto):
    from apps.partners.models import Partner

    program.auto_apply_promotions = auto
    program.save()

    runs = sweep_queries(n, tiers, bob)

    assert [len(r) for r in runs] == EXPECTED[auto], "\n\n".join("\n".join(r) for r in runs)
    # and in statements whose cost grows with the rows, not their square: no bulk_update's
    # UPDATE … SET col = CASE WHEN pk = … (on 8,000 standings PostgreSQL spent minutes on it)
    updates = [q for r in runs for q in r if q.lstrip().upper().startswith("UPDATE")]
    assert not [q for q in updates if "CASE WHEN" in q.upper()], updates
    # and the runs did the work: a third promoted (or proposed), a third proposed for demotion
    third = len(range(0, n, 3))
    if auto:
        assert Partner.objects.filter(tier=tiers["Silver"]).count() == third
    else:
        assert (
            TierProposal.objects.filter(status=ProposalStatus.OPEN, direction="promotion").count()
            == third
        )
    assert TierProposal.objects.filter(
        status=ProposalStatus.OPEN, direction="demotion"
    ).count() == len(range(1, n, 3))


def test_it_lists_2_or_50_proposals_in_the_same_number_of_queries(
    client_for, bob, tiers, django_assert_num_queries
):
    c = client_for(bob)

    def make(n):
        TierProposal.objects.all().delete()
        for _ in range(n):
            partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], manager=bob)
            TierProposalFactory(
                partner=partner, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
            )

    make(2)
    c.get("/tiers/proposals/")  # warm the session
    # session, user, count, the page of proposals with their partners and deciders
    with django_assert_num_queries(4) as small:
        assert c.get("/tiers/proposals/").status_code == 200
    make(50)
    with django_assert_num_queries(len(small.captured_queries)):
        response = c.get("/tiers/proposals/")
    assert response.content.count(b'id="proposal-') == 50


def test_it_lists_2_or_50_proposals_in_the_api_in_the_same_number_of_queries(
    api_for, bob, tiers, django_assert_num_queries
):
    api = api_for(bob)

    def make(n):
        TierProposal.objects.all().delete()
        for _ in range(n):
            partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"], manager=bob)
            TierProposalFactory(
                partner=partner, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
            )

    make(2)
    # count, page
    with django_assert_num_queries(2):
        assert api.get("/api/v1/tier-proposals/").data["count"] == 2
    make(50)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/tier-proposals/").data["count"] == 50


def test_it_lists_2_or_50_tiers_in_the_same_number_of_queries(
    client_for, api_for, alice, db, django_assert_num_queries
):
    from apps.program.models import Tier

    def make(n):
        # The starter library's audiences name tiers (min_tier is protected): unset them first.
        Resource.objects.exclude(min_tier=None).update(min_tier=None)
        Tier.objects.all().delete()
        for i in range(n):
            Tier.objects.create(
                name=f"T{i}", rank=i + 1, min_won_value=Decimal(i * 1000), min_won_deals=i
            )

    c, api = client_for(alice), api_for(alice)
    make(2)
    c.get("/tiers/settings/")
    # session, user, program settings (base currency), tiers
    with django_assert_num_queries(4):
        c.get("/tiers/settings/")
    with django_assert_num_queries(2):  # count, page
        api.get("/api/v1/tiers/")
    make(50)
    with django_assert_num_queries(4):
        assert c.get("/tiers/settings/").content.count(b"/edit/") == 50
    with django_assert_num_queries(2):
        assert api.get("/api/v1/tiers/").data["count"] == 50


def test_it_shows_the_portal_tier_page_in_constant_queries(
    client_for, charlie, acme, tiers, django_assert_num_queries
):
    c = client_for(charlie)
    c.get("/portal/tier/")

    def run():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/portal/tier/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        won(acme, "100", closed_at=NOW)
    few = run()
    for _ in range(50):
        won(acme, "100", closed_at=NOW, currency="EUR")
    assert run() == few


def test_it_lists_2_or_50_exchange_rates_in_the_same_number_of_queries(
    client_for, alice, program, django_assert_num_queries
):
    c = client_for(alice)

    def make(n):
        ExchangeRate.objects.all().delete()
        for i in range(n):
            ExchangeRateFactory(currency="EUR", effective_date=date(2020, 1, 1) + timedelta(days=i))

    make(2)
    c.get("/tiers/exchange-rates/")
    # session, user, program settings (base currency), count, the page of rates
    with django_assert_num_queries(5):
        c.get("/tiers/exchange-rates/")
    make(50)
    with django_assert_num_queries(5):
        assert c.get("/tiers/exchange-rates/").content.count(b"/edit/") == 50
