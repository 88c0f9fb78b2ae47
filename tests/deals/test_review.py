"""Manager pages: the queue on the SLA clock, the registration page, decisions in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration, Status
from apps.notifications.models import Notification
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_queue_lists_waiting_registrations_oldest_first_with_their_sla_state(
    client_for, bob, acme, globex
):
    now = timezone.now()
    fresh = RegistrationFactory(
        partner=acme, customer_name="Fresh", submitted_at=now - timedelta(hours=2)
    )
    soon = RegistrationFactory(
        partner=globex, customer_name="Soon", submitted_at=now - timedelta(hours=40)
    )
    late = RegistrationFactory(
        partner=acme, customer_name="Late", submitted_at=now - timedelta(hours=50)
    )
    RegistrationFactory(partner=acme, customer_name="Decided", approved=True)
    r = client_for(bob).get(reverse("deals:queue"))
    rows = r.context["rows"]
    assert [row["reg"] for row in rows] == [late, soon, fresh]
    assert [row["clock"].state for row in rows] == ["breached", "due_soon", "on_time"]
    html = r.content.decode()
    assert "SLA breached" in html and "due soon" in html and "on time" in html
    assert "Decided" not in html
    assert "Globex Integrators" in html and "25,000" in html


def test_the_queue_marks_conflicts(client_for, bob, acme, globex):
    RegistrationFactory(partner=acme, customer_domain="initech.com", customer_name="Initech")
    RegistrationFactory(partner=globex, customer_domain="initech.com", customer_name="Initrode")
    RegistrationFactory(partner=globex, customer_name="Unrelated")
    r = client_for(bob).get(reverse("deals:queue"))
    marked = {row["reg"].customer_name: row["conflicts"] for row in r.context["rows"]}
    assert marked == {"Initech": 1, "Initrode": 1, "Unrelated": 0}
    assert r.content.decode().count("conflict-marker") == 2


def test_the_queue_filters(client_for, bob, acme, globex):
    RegistrationFactory(partner=acme, customer_name="Alpha")
    RegistrationFactory(partner=globex, customer_name="Beta", approved=True)
    client = client_for(bob)
    names = lambda r: [row["reg"].customer_name for row in r.context["rows"]]  # noqa: E731
    assert names(client.get(reverse("deals:queue"), {"status": "approved"})) == ["Beta"]
    assert names(client.get(reverse("deals:queue"), {"partner": acme.pk})) == ["Alpha"]
    assert names(client.get(reverse("deals:queue"), {"q": "zzz"})) == []
    r = client.get(reverse("deals:queue"), {"status": "<x>", "partner": "99999999999999999999999"})
    assert r.status_code == 400 and names(r) == []  # refused and shown, never another status


def test_the_page_shows_conflicts_side_by_side(client_for, bob, acme, globex):
    mine = RegistrationFactory(
        partner=acme, customer_domain="initech.com", customer_name="Initech LLC"
    )
    RegistrationFactory(
        partner=globex,
        customer_domain="initech.net",
        customer_name="Initech Corp.",
        estimated_value="777000",
    )
    html = client_for(bob).get(reverse("deals:detail", args=[mine.pk])).content.decode()
    assert "Conflicts (1)" in html and "side-by-side" in html
    assert "similar name (100%)" in html
    assert "Globex Integrators" in html and "777,000" in html
    assert "Approve" in html and "Reject" in html


def test_it_approves_in_place_with_htmx(client_for, bob, acme, charlie):
    reg = RegistrationFactory(partner=acme)
    r = client_for(bob).post(reverse("deals:transition", args=[reg.pk, "approve"]), **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="registration"')  # the partial, not the page
    assert "Approved: the customer is protected" in html
    assert "Extend protection" in html and "Mark won" in html
    reg.refresh_from_db()
    assert reg.status == Status.APPROVED and reg.reviewed_by == bob
    note = Notification.objects.get(recipient=charlie, kind="deal_approve")
    assert "protected for your company until" in note.body


def test_it_works_without_javascript(client_for, bob, acme):
    reg = RegistrationFactory(partner=acme)
    client = client_for(bob)
    r = client.post(reverse("deals:transition", args=[reg.pk, "reject"]), {"reason": "Direct deal"})
    assert r.status_code == 302 and r.url == reverse("deals:detail", args=[reg.pk])
    reg.refresh_from_db()
    assert reg.status == Status.REJECTED and reg.rejection_reason == "Direct deal"
    html = client.get(r.url).content.decode()
    assert "Rejected." in html and "nothing more to decide" in html


def test_it_asks_for_a_reason_to_reject(client_for, bob, acme):
    reg = RegistrationFactory(partner=acme)
    client = client_for(bob)
    r = client.post(reverse("deals:transition", args=[reg.pk, "reject"]), {"reason": ""}, **HTMX)
    assert r.status_code == 200
    assert "Choose a reason from the list, write one, or both." in r.content.decode()
    r = client.post(reverse("deals:transition", args=[reg.pk, "reject"]), {"reason": ""})
    assert r.status_code == 400
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED


def test_it_explains_domain_protection_in_place(client_for, bob, acme, globex):
    RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    reg = RegistrationFactory(partner=acme, customer_domain="initech.com")
    client = client_for(bob)
    html = client.get(reverse("deals:detail", args=[reg.pk])).content.decode()
    assert "approved registration protects this customer domain" in html
    r = client.post(reverse("deals:transition", args=[reg.pk, "approve"]), **HTMX)
    assert r.status_code == 200 and "already protects" in r.content.decode()
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("extend", {"days": "30"}, Status.APPROVED),
        ("mark_won", {"actual_value": "26000"}, Status.WON),
        ("mark_won", {}, Status.WON),
        ("mark_lost", {"reason": "Budget"}, Status.LOST),
    ],
)
def test_it_extends_and_closes_in_place(name, data, status, client_for, bob, acme):
    reg = RegistrationFactory(partner=acme, approved=True)
    r = client_for(bob).post(reverse("deals:transition", args=[reg.pk, name]), data, **HTMX)
    assert r.status_code == 200
    reg.refresh_from_db()
    assert reg.status == status


@pytest.mark.parametrize("days", ["0", "91", "abc", ""])
def test_it_refuses_bad_extensions_in_place(days, client_for, bob, acme):
    reg = RegistrationFactory(partner=acme, approved=True)
    r = client_for(bob).post(
        reverse("deals:transition", args=[reg.pk, "extend"]), {"days": days}, **HTMX
    )
    assert r.status_code == 200 and "Check the form" in r.content.decode()
    reg.refresh_from_db()
    assert reg.extensions_used == 0


def test_unknown_actions_and_expire_are_404(client_for, bob, acme):
    reg = RegistrationFactory(partner=acme, approved=True)
    client = client_for(bob)
    assert client.post(reverse("deals:transition", args=[reg.pk, "expire"])).status_code == 404
    assert client.post(reverse("deals:transition", args=[reg.pk, "nope"])).status_code == 404
    assert client.get(reverse("deals:transition", args=[reg.pk, "approve"])).status_code == 405
    assert client.get(reverse("deals:detail", args=[999999])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, acme):
    reg = RegistrationFactory(partner=acme)
    for url in [
        reverse("deals:queue"),
        reverse("deals:detail", args=[reg.pk]),
        reverse("portal:deals"),
    ]:
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r.url


@pytest.mark.parametrize("n", [2, 50])
def test_the_queue_costs_the_same_queries_at_2_and_50(
    n, client_for, bob, acme, globex, django_assert_num_queries
):
    RegistrationFactory.create_batch(n // 2, partner=acme)
    # One customer claimed by n/2 partners (a partner holds one open registration of it).
    RegistrationFactory.create_batch(n // 2, partner__manager=bob, customer_domain="same.example")
    client = client_for(bob)
    client.get(reverse("deals:queue"))
    # 1 session, 2 user, 3 count, 4 page (+partner, pending extension), 5 the conflicts stored
    # on submission (counted), 6 program settings (the SLA); no list of partners
    with django_assert_num_queries(6):
        r = client.get(reverse("deals:queue"))
    assert len(r.context["rows"]) == n


def test_the_queue_shows_all_statuses_and_extension_requests(client_for, bob, charlie, acme):
    from apps.deals.services import extension_request_create

    RegistrationFactory(partner=acme, customer_name="Waiting")
    asked = RegistrationFactory(partner=acme, customer_name="Asked", approved=True)
    RegistrationFactory(partner=acme, customer_name="Quiet", approved=True)
    extension_request_create(registration=asked, requested_by=charlie, days=20)
    client = client_for(bob)
    names = lambda r: sorted(row["reg"].customer_name for row in r.context["rows"])  # noqa: E731
    assert names(client.get(reverse("deals:queue"), {"status": "all"})) == [
        "Asked",
        "Quiet",
        "Waiting",
    ]
    r = client.get(reverse("deals:queue"), {"status": "extension"})
    assert names(r) == ["Asked"] and "extension requested" in r.content.decode()
    html = client.get(reverse("deals:detail", args=[asked.pk])).content.decode()
    assert (
        "Extension requested:" in html and "20 days" in html and "Decline (with a reason)" in html
    )
