"""The partner's side: its QBR summaries without internal notes, its action items."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.qbrs.models import Status
from tests.qbrs.factories import ActionItemFactory, QBRFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def summary(acme):
    return QBRFactory(
        partner=acme,
        status=Status.COMPLETED,
        outcome="expand",
        satisfaction_score=9,
        notes="Great quarter; expand into Nordics.",
        internal_notes="SECRET: margin pressure",
        completed_at=timezone.now() - D(days=3),
        metrics={
            "quarter": "2026-Q3",
            "figures": {"won": 4, "won_value": "12000.00"},
            "previous": None,
        },
    )


def test_it_shows_the_partner_its_completed_qbrs_without_internal_notes(
    client_for, charlie, summary
):
    upcoming = QBRFactory(partner=summary.partner, scheduled_for=timezone.now() + D(days=5))
    c = client_for(charlie)
    listing = c.get(reverse("portal:qbrs")).content.decode()
    assert f"/portal/qbrs/{summary.pk}/" in listing and f"/portal/qbrs/{upcoming.pk}/" in listing
    body = c.get(reverse("portal:qbr_detail", args=[summary.pk])).content.decode()
    assert "Great quarter; expand into Nordics." in body
    assert "Expand" in body and "9" in body and "12,000" in body
    assert "SECRET" not in body and "margin pressure" not in body
    assert "SECRET" not in listing


def test_it_hides_other_partners_qbrs_and_items(client_for, dave, summary):
    item = ActionItemFactory(qbr=summary)
    c = client_for(dave)
    assert c.get(reverse("portal:qbr_detail", args=[summary.pk])).status_code == 404
    assert c.post(reverse("portal:qbr_action_item_done", args=[item.pk])).status_code == 404
    listing = c.get(reverse("portal:qbrs")).content.decode()
    assert "Acme" not in listing and item.title not in listing
    item.refresh_from_db()
    assert not item.done


def test_it_hides_cancelled_qbrs_from_the_partner(client_for, charlie, acme):
    qbr = QBRFactory(partner=acme, status=Status.CANCELLED)
    assert client_for(charlie).get(reverse("portal:qbr_detail", args=[qbr.pk])).status_code == 404


def test_it_lets_partner_users_mark_their_own_action_items_done(client_for, charlie, summary):
    ours = ActionItemFactory(qbr=summary, owner_side="partner", title="Train two engineers")
    vendors = ActionItemFactory(qbr=summary, owner_side="vendor", title="Send price list")
    c = client_for(charlie)
    body = c.get(reverse("portal:qbr_detail", args=[summary.pk])).content.decode()
    assert "Mark done: Train two engineers" in body
    assert "Mark done: Send price list" not in body
    r = c.post(reverse("portal:qbr_action_item_done", args=[ours.pk]), {"done": "1"})
    assert r.status_code == 302
    ours.refresh_from_db()
    assert ours.done and ours.done_by == charlie and ours.done_at is not None
    r = c.post(
        reverse("portal:qbr_action_item_done", args=[vendors.pk]), {"done": "1"}, follow=True
    )
    assert "Only the vendor may update" in r.content.decode()
    vendors.refresh_from_db()
    assert not vendors.done
    r = c.post(
        reverse("portal:qbr_action_item_done", args=[ours.pk]),
        {"done": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "Mark done: Train two engineers" in r.content.decode()
    ours.refresh_from_db()
    assert not ours.done


def test_it_never_redirects_outside_the_portal(client_for, charlie, summary):
    item = ActionItemFactory(qbr=summary)
    r = client_for(charlie).post(
        reverse("portal:qbr_action_item_done", args=[item.pk]), {"next": "https://evil.example/"}
    )
    assert r["Location"] == reverse("portal:qbr_detail", args=[summary.pk])


def test_it_shows_the_next_qbr_on_the_portal_home(client_for, charlie, dave, acme, globex):
    QBRFactory(partner=acme, scheduled_for=datetime.datetime(2030, 3, 4, 10, tzinfo=datetime.UTC))
    item = ActionItemFactory(
        qbr__partner=acme, qbr__status=Status.COMPLETED, qbr__outcome="continue"
    )
    assert item.owner_side == "partner"
    body = client_for(charlie).get(reverse("portal:home")).content.decode()
    assert "Next QBR" in body and "Mar 4, 2030, 10:00\u202fAM" in body
    assert "1 open action item for your team" in body
    other = client_for(dave).get(reverse("portal:home")).content.decode()
    assert "No QBR is scheduled yet." in other


def test_it_keeps_staff_out_of_the_portal_pages(client_for, bob, summary):
    assert client_for(bob).get(reverse("portal:qbr_detail", args=[summary.pk]))["Location"] == "/"


@pytest.mark.parametrize("rows", [2, 50])
def test_it_lists_the_portal_qbrs_in_constant_queries(
    client_for, charlie, acme, rows, django_assert_num_queries
):
    for _i in range(rows):
        qbr = QBRFactory(
            partner=acme, status=Status.COMPLETED, outcome="continue", completed_at=timezone.now()
        )
        ActionItemFactory(qbr=qbr)
    c = client_for(charlie)
    # session, the user with its partner (portal access), the upcoming QBR, count and page of
    # completed ones, the open action items
    with django_assert_num_queries(6):
        r = c.get(reverse("portal:qbrs"))
    assert r.status_code == 200
