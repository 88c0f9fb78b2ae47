"""Lead figures per partner, known answers: the selectors (partner_lead_stats for the pages,
lead_responsiveness for the health score), the partner page and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.leads.models import Assignment, Lead, Outcome, Status
from apps.leads.selectors import lead_responsiveness, partner_lead_stats
from apps.partners.models import Partner
from tests.factories import PartnerFactory

from .factories import LeadFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def assignment(partner, outcome, *, hours_to_end=None, days_ago=1, lead=None):
    assigned_at = NOW - timedelta(days=days_ago)
    return Assignment.objects.create(
        lead=lead or LeadFactory(),
        partner=partner,
        explanation="test",
        assigned_at=assigned_at,
        accept_by=assigned_at + timedelta(hours=24),
        outcome=outcome,
        ended_at=None if hours_to_end is None else assigned_at + timedelta(hours=hours_to_end),
    )


@pytest.fixture
def world():
    """Acme: 6 leads received — accepted after 1 h, 3 h and 8 h (the median 3 h), one rejected,
    one lapsed, one still pending, and one received 90 days ago (accepted after 20 h); two of
    its accepted leads converted, one of them won. Globex: nothing."""
    acme, globex = PartnerFactory(name="Acme"), PartnerFactory(name="Globex")
    converted_won = LeadFactory(
        partner=acme, status=Status.CONVERTED, registration_status="won", company="Won Co"
    )
    converted_open = LeadFactory(
        partner=acme, status=Status.CONVERTED, registration_status="submitted"
    )
    assignment(acme, Outcome.ACCEPTED, hours_to_end=1, lead=converted_won)
    assignment(acme, Outcome.ACCEPTED, hours_to_end=3, lead=converted_open)
    assignment(acme, Outcome.ACCEPTED, hours_to_end=8)
    assignment(acme, Outcome.REJECTED, hours_to_end=2)
    assignment(acme, Outcome.LAPSED, hours_to_end=24)
    assignment(acme, Outcome.PENDING)
    assignment(acme, Outcome.ACCEPTED, hours_to_end=20, days_ago=90)
    assignment(acme, Outcome.RECALLED, hours_to_end=5)  # a manager's recall says nothing
    return acme, globex


def test_partner_lead_stats_known_answers(world):
    acme, globex = world
    stats = partner_lead_stats([acme.pk, globex.pk])
    # received 8; answered 6 (4 accepted, 1 rejected, 1 lapsed) → 67 %; accepted after
    # 1, 3, 8, 20 h → median 5.5 h; 2 converted of 4 accepted → 50 %; 1 won.
    assert stats[acme.pk] == {
        "received": 8,
        "accepted": 4,
        "acceptance_rate": 67,
        "median_hours_to_accept": 5.5,
        "converted": 2,
        "conversion_rate": 50,
        "won": 1,
    }
    assert stats[globex.pk] == {
        "received": 0,
        "accepted": 0,
        "acceptance_rate": None,
        "median_hours_to_accept": None,
        "converted": 0,
        "conversion_rate": None,
        "won": 0,
    }


def test_lead_responsiveness_known_answers(world):
    acme, globex = world
    every = lead_responsiveness()
    assert set(every) == {acme.pk}  # partners that received leads
    assert every[acme.pk] == {
        "received": 8,
        "accepted": 4,
        "lapsed": 1,
        "median_accept_seconds": 5.5 * 3600,
    }
    recent = lead_responsiveness(partner_ids=[acme.pk, globex.pk], since=NOW - timedelta(days=30))
    assert recent == {
        acme.pk: {"received": 7, "accepted": 3, "lapsed": 1, "median_accept_seconds": 3 * 3600},
        globex.pk: {"received": 0, "accepted": 0, "lapsed": 0, "median_accept_seconds": None},
    }


def test_the_figures_cost_the_same_queries_for_more_partners(world):
    acme, globex = world
    with CaptureQueriesContext(connection) as one:
        lead_responsiveness(partner_ids=[acme.pk])
        partner_lead_stats([acme.pk])
    more = [PartnerFactory() for _ in range(5)]
    for partner in more:
        assignment(partner, Outcome.ACCEPTED, hours_to_end=2)
    ids = [acme.pk, globex.pk, *(p.pk for p in more)]
    with CaptureQueriesContext(connection) as many:
        lead_responsiveness(partner_ids=ids)
        partner_lead_stats(ids)
    assert len(one) == len(many) == 3


def test_the_partner_page_and_the_dashboard_show_the_known_figures(world, client_for, alice, bob):
    acme, _globex = world
    page = client_for(bob).get(f"/partners/{acme.pk}/").content.decode()
    section = page[page.index('id="leads"') :]
    for figure in (
        "<dd>8</dd>",
        "<dd>67 %</dd>",
        "<dd>5.5 h</dd>",
        "<dd>2 (50 %)</dd>",
        "<dd>1</dd>",
    ):
        assert figure in section, figure
    dashboard = client_for(alice).get("/").content.decode()
    table = dashboard[dashboard.index('id="lead-stats"') :]
    row = table[table.index(">Acme<") : table.index("</tr>", table.index(">Acme<"))]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["8", "67 %", "5.5 h", "2 (50 %)", "1"]


def test_the_dashboard_ranks_every_partner_that_received_leads(client_for, alice):
    """The card lists the partners that received the most leads among all of them: it took an
    arbitrary 500 partners first, so with more the leader could be missing."""
    template = PartnerFactory(name="Template")
    partners = Partner.objects.bulk_create(
        [
            Partner(name=f"Reseller {i:04}", partner_type_id=template.partner_type_id)
            for i in range(1500)
        ]
    )
    leads = Lead.objects.bulk_create(
        [LeadFactory.build(domain=f"c{i}.example") for i in range(len(partners) + 3)]
    )
    leader = partners[-1]
    owners = [*partners, leader, leader, leader]
    Assignment.objects.bulk_create(
        [
            Assignment(lead=lead, partner=owner, explanation="test", assigned_at=NOW,
                       accept_by=NOW + timedelta(hours=24))
            for lead, owner in zip(leads, owners, strict=True)
        ]
    )  # fmt: skip
    page = client_for(alice).get("/").content.decode()
    section = page[page.index('id="lead-stats"') :]
    table = section[: section.index("</table>")]
    names = [cell.split("<")[0] for cell in table.split('href="/partners/')[1:]]
    assert ">Reseller 1499" in names[0] and len(names) == 10, names[:3]
