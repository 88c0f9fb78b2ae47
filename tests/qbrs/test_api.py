"""/api/v1/qbrs/ and /api/v1/action-items/ as DESIGN.md section 8 describes them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.partners.models import Stage, StageHistory
from apps.qbrs.models import QBR, ActionItem, Status
from tests.factories import PartnerFactory
from tests.qbrs.factories import ActionItemFactory, QBRFactory

pytestmark = pytest.mark.django_db
FIELDS = {
    "id",
    "partner",
    "quarter",
    "scheduled_for",
    "status",
    "outcome",
    "satisfaction_score",
    "notes",
    "metrics",
    "started_at",
    "completed_at",
    "stage_effect",
}


@pytest.fixture
def acme_qbr(acme):
    return QBRFactory(partner=acme, notes="Shared", internal_notes="Internal only")


def url(qbr=None, suffix=""):
    return f"/api/v1/qbrs/{qbr.pk}/{suffix}" if qbr else "/api/v1/qbrs/"


def test_it_lists_qbrs_for_staff_with_internal_notes(api_for, bob, acme_qbr):
    QBRFactory()
    r = api_for(bob).get(url())
    assert r.status_code == 200 and r.json()["count"] == 2
    row = next(q for q in r.json()["results"] if q["id"] == acme_qbr.pk)
    assert set(row) == FIELDS | {"internal_notes"} and row["internal_notes"] == "Internal only"


def test_it_lists_only_the_partners_own_qbrs_without_internal_notes(api_for, charlie, acme_qbr):
    QBRFactory()
    QBRFactory(partner=acme_qbr.partner, status=Status.CANCELLED)
    r = api_for(charlie).get(url())
    assert [q["id"] for q in r.json()["results"]] == [acme_qbr.pk]
    assert set(r.json()["results"][0]) == FIELDS
    assert "Internal only" not in r.content.decode()
    one = api_for(charlie).get(url(acme_qbr))
    assert one.status_code == 200 and "internal_notes" not in one.json()


def test_it_answers_404_for_another_partners_qbr_and_items(api_for, dave, acme_qbr):
    item = ActionItemFactory(qbr=acme_qbr)
    c = api_for(dave)
    assert c.get(url(acme_qbr)).status_code == 404
    assert c.get(url(acme_qbr, "transitions/")).status_code == 404
    assert c.post(url(acme_qbr, "transitions/start/")).status_code == 404
    assert c.get(url(acme_qbr, "action-items/")).status_code == 404
    assert (
        c.patch(f"/api/v1/action-items/{item.pk}/", {"done": True}, format="json").status_code
        == 404
    )
    assert c.get(f"/api/v1/action-items/{item.pk}/").status_code == 404
    assert c.get(url(), {"partner": acme_qbr.partner_id}).json()["count"] == 0


def test_it_refuses_anonymous_callers(api_for, acme_qbr):
    assert api_for().get(url()).status_code == 401


def test_it_describes_the_transitions(api_for, bob, charlie, acme_qbr):
    rows = api_for(bob).get(url(acme_qbr, "transitions/")).json()
    assert {r["name"]: r["allowed"] for r in rows} == {
        "start": True,
        "complete": False,
        "cancel": True,
    }
    rows = api_for(charlie).get(url(acme_qbr, "transitions/")).json()
    assert not any(r["allowed"] for r in rows)


def test_it_runs_a_qbr_through_the_api(api_for, bob, acme_qbr):
    c = api_for(bob)
    r = c.post(url(acme_qbr, "transitions/start/"))
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    acme_qbr.partner.refresh_from_db()
    assert acme_qbr.partner.stage == Stage.EVALUATION
    r = c.post(
        url(acme_qbr, "transitions/complete/"),
        {"outcome": "expand", "satisfaction_score": 7, "notes": "Expand to DACH"},
        format="json",
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["outcome"], body["satisfaction_score"], body["notes"]) == (
        "completed",
        "expand",
        7,
        "Expand to DACH",
    )
    assert body["metrics"]["quarter"] == acme_qbr.quarter and "figures" in body["metrics"]
    acme_qbr.partner.refresh_from_db()
    assert acme_qbr.partner.stage == Stage.EXPANSION
    assert list(StageHistory.objects.values_list("via", flat=True)) == [acme_qbr.label] * 2


def test_it_answers_400_for_exit_without_reason_and_changes_nothing(api_for, bob, acme_qbr):
    c = api_for(bob)
    c.post(url(acme_qbr, "transitions/start/"))
    r = c.post(url(acme_qbr, "transitions/complete/"), {"outcome": "exit"}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    acme_qbr.refresh_from_db()
    acme_qbr.partner.refresh_from_db()
    assert acme_qbr.status == Status.IN_PROGRESS and acme_qbr.partner.stage == Stage.EVALUATION
    assert StageHistory.objects.count() == 1
    r = c.post(
        url(acme_qbr, "transitions/complete/"), {"outcome": "exit", "reason": "Gone"}, format="json"
    )
    assert r.status_code == 200
    acme_qbr.partner.refresh_from_db()
    assert acme_qbr.partner.stage == Stage.EXITED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"outcome": "sideways"},
        {"outcome": "continue", "satisfaction_score": 11},
        {"outcome": "continue", "satisfaction_score": "x"},
        {"outcome": "continue", "notes": "n" * 20001},
    ],
)
def test_it_answers_400_for_bad_completion_input(api_for, bob, data):
    qbr = QBRFactory(status=Status.IN_PROGRESS, partner=PartnerFactory(stage=Stage.EVALUATION))
    r = api_for(bob).post(url(qbr, "transitions/complete/"), data, format="json")
    assert r.status_code == 400
    qbr.refresh_from_db()
    assert qbr.status == Status.IN_PROGRESS


def test_it_answers_409_for_a_transition_from_the_wrong_state(api_for, bob, acme_qbr):
    r = api_for(bob).post(
        url(acme_qbr, "transitions/complete/"), {"outcome": "continue"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    assert api_for(bob).post(url(acme_qbr, "transitions/explode/")).status_code == 404


def test_it_answers_403_to_a_partner_user_running_their_own_qbr(api_for, charlie, acme_qbr):
    c = api_for(charlie)
    assert c.post(url(acme_qbr, "transitions/start/")).status_code == 403
    assert c.patch(url(acme_qbr), {"notes": "mine"}, format="json").status_code == 403
    assert (
        c.post(
            url(),
            {"partner": acme_qbr.partner_id, "scheduled_for": "2030-01-01T10:00:00Z"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        c.post(
            url(acme_qbr, "action-items/"), {"title": "x", "owner_side": "partner"}, format="json"
        ).status_code
        == 403
    )
    acme_qbr.refresh_from_db()
    assert acme_qbr.status == Status.SCHEDULED and acme_qbr.notes == "Shared"


def test_it_schedules_and_edits_a_qbr(api_for, bob, acme):
    c = api_for(bob)
    r = c.post(url(), {"partner": acme.pk, "scheduled_for": "2030-01-02T10:00:00Z"}, format="json")
    assert r.status_code == 201 and r.json()["quarter"] == "2030-Q1"
    qbr = QBR.objects.get(pk=r.json()["id"])
    r = c.patch(url(qbr), {"internal_notes": "watch churn", "satisfaction_score": 6}, format="json")
    assert r.status_code == 200 and r.json()["internal_notes"] == "watch churn"
    again = c.post(
        url(), {"partner": acme.pk, "scheduled_for": "2030-04-02T10:00:00Z"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "conditions_unmet"
    for bad in (
        {"partner": 999999, "scheduled_for": "2030-01-02T10:00:00Z"},
        {"partner": acme.pk},
        {"partner": acme.pk, "scheduled_for": "soon"},
        {"partner": acme.pk, "scheduled_for": "2030-01-02T10:00:00Z", "quarter": "2030-Q9"},
    ):
        assert c.post(url(), bad, format="json").status_code == 400
    assert c.patch(url(qbr), {"satisfaction_score": 0}, format="json").status_code == 400
    assert c.delete(url(qbr)).status_code == 405


def test_it_lists_and_adds_action_items(api_for, bob, charlie, acme_qbr):
    ActionItemFactory(qbr=acme_qbr, title="Plan webinar")
    r = api_for(bob).post(
        url(acme_qbr, "action-items/"),
        {"title": "Send deck", "owner_side": "vendor", "due_date": "2030-01-10"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["owner_side"] == "vendor"
    listed = api_for(charlie).get(url(acme_qbr, "action-items/")).json()
    assert listed["count"] == 2
    assert {i["title"] for i in listed["results"]} == {"Plan webinar", "Send deck"}
    bad = api_for(bob).post(
        url(acme_qbr, "action-items/"), {"title": "", "owner_side": "us"}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"title", "owner_side"}


def test_it_lets_a_partner_user_update_only_their_partner_side_items(api_for, charlie, acme_qbr):
    ours = ActionItemFactory(qbr=acme_qbr, owner_side="partner")
    vendors = ActionItemFactory(qbr=acme_qbr, owner_side="vendor")
    c = api_for(charlie)
    r = c.patch(f"/api/v1/action-items/{ours.pk}/", {"done": True}, format="json")
    assert r.status_code == 200 and r.json()["done"] is True and r.json()["done_at"]
    assert (
        c.patch(f"/api/v1/action-items/{vendors.pk}/", {"done": True}, format="json").status_code
        == 403
    )
    assert (
        c.patch(f"/api/v1/action-items/{ours.pk}/", {"title": "Renamed"}, format="json").status_code
        == 403
    )
    assert (
        c.put(f"/api/v1/action-items/{ours.pk}/", {"done": True}, format="json").status_code == 405
    )
    vendors.refresh_from_db()
    ours.refresh_from_db()
    assert not vendors.done and ours.title != "Renamed"


def test_it_lets_staff_edit_any_action_item(api_for, bob, acme_qbr):
    item = ActionItemFactory(qbr=acme_qbr)
    r = api_for(bob).patch(
        f"/api/v1/action-items/{item.pk}/",
        {"title": "Renamed", "owner_side": "vendor", "due_date": None, "done": True},
        format="json",
    )
    assert r.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.owner_side, item.due_date, item.done) == (
        "Renamed",
        "vendor",
        None,
        True,
    )
    assert (
        api_for(bob)
        .patch(f"/api/v1/action-items/{item.pk}/", {"done": "perhaps"}, format="json")
        .status_code
        == 400
    )
    assert (
        api_for(bob)
        .patch(f"/api/v1/action-items/{item.pk}/", {"title": "x" * 201}, format="json")
        .status_code
        == 400
    )


@pytest.mark.parametrize("rows", [2, 50])
def test_it_lists_qbrs_in_constant_queries(api_for, bob, rows, django_assert_num_queries):
    for _ in range(rows):
        QBRFactory(status=Status.COMPLETED, outcome="continue", completed_at=timezone.now())
    c = api_for(bob)
    # count, the page of QBRs (with their partner joined)
    with django_assert_num_queries(2):
        r = c.get(url(), {"page_size": 100})
    assert r.json()["count"] == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_it_lists_action_items_in_constant_queries(
    api_for, charlie, acme_qbr, rows, django_assert_num_queries
):
    for _ in range(rows):
        ActionItemFactory(qbr=acme_qbr)
    c = api_for(charlie)
    # the QBR (visibility), count, the page of items
    with django_assert_num_queries(3):
        r = c.get(url(acme_qbr, "action-items/"), {"page_size": 100})
    assert r.json()["count"] == rows


def test_it_filters_by_partner_and_status(api_for, bob, acme_qbr):
    QBRFactory(status=Status.COMPLETED, outcome="continue")
    c = api_for(bob)
    assert [q["id"] for q in c.get(url(), {"partner": acme_qbr.partner_id}).json()["results"]] == [
        acme_qbr.pk
    ]
    assert c.get(url(), {"status": "completed"}).json()["count"] == 1
    # A value outside the documented ones is refused, naming each bad parameter (DESIGN.md 8).
    r = c.get(url(), {"status": "bogus", "partner": "x"})
    assert r.status_code == 400 and set(r.json()) == {"status", "partner"}


def test_it_keeps_the_schema_valid(api_for, bob):
    r = api_for(bob).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    text = r.content.decode()
    assert "/api/v1/qbrs/{id}/action-items/" in text and "/api/v1/action-items/{id}/" in text
    assert ActionItem.objects.count() == 0
