"""Rejection reasons partners can trust: an admin-kept list plus the manager's own words; the
manager sees beforehand exactly what the partner will read, and the partner reads exactly that in
every channel (notification, e-mail, portal page, API, CSV export)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration, Status
from apps.notifications.models import Notification
from apps.notifications.services import deliver_outbox
from apps.program.models import RejectionReason
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

SEEDED = [
    "Customer already in an active sales cycle with us",
    "Insufficient information",
    "Outside the partner's territory",
    "Duplicate of an existing registration",
]


def _reason(label: str) -> RejectionReason:
    return RejectionReason.objects.get(label=label)


def test_a_fresh_installation_offers_the_usual_reasons_and_admins_keep_the_list(client_for, alice):
    assert list(RejectionReason.objects.filter(active=True).values_list("label", flat=True)) == (
        SEEDED
    )
    c = client_for(alice)
    html = c.get(reverse("program:rejection_reasons")).content.decode()
    assert "exactly as written" in html and "Insufficient information" in html
    r = c.post(
        reverse("program:rejection_reason_new"),
        {"label": "Customer is an existing direct account", "active": "on", "order": "5"},
    )
    assert r.status_code == 302
    old = _reason("Insufficient information")
    r = c.post(
        reverse("program:rejection_reason_edit", args=[old.pk]),
        {"label": old.label, "order": "20"},  # unticked: retired
    )
    assert r.status_code == 302
    offered = RejectionReason.objects.filter(active=True).values_list("label", flat=True)
    assert list(offered)[0] == "Customer is an existing direct account"
    assert "Insufficient information" not in offered
    assert c.post(reverse("program:rejection_reason_new"), {"label": ""}).status_code == 400


def test_managers_and_partners_do_not_keep_the_list(client_for, bob, charlie):
    for user in (bob, charlie):
        r = client_for(user).post(reverse("program:rejection_reason_new"), {"label": "Nope"})
        assert r.status_code in (302, 403)
    assert not RejectionReason.objects.filter(label="Nope").exists()


def test_the_reject_form_says_the_partner_reads_it_and_previews_it(client_for, bob, acme):
    reg = RegistrationFactory(partner=acme, customer_name="Initech")
    c = client_for(bob)
    html = c.get(reverse("deals:detail", args=[reg.pk])).content.decode()
    assert "Acme Resellers reads the reason you pick and your own words" in html
    for label in SEEDED:
        assert label in html.replace("&#x27;", "'")
    preview = c.get(
        reverse("deals:reject_preview", args=[reg.pk]),
        {"reason_code": _reason("Insufficient information").pk, "reason": "No contact named."},
    ).content.decode()
    assert "Insufficient information — No contact named." in preview
    assert "Registration rejected: Initech" in preview
    bad = c.get(reverse("deals:reject_preview", args=[reg.pk]), {"reason_code": "9" * 40})
    assert bad.status_code == 200 and "Choose one of the rejection reasons." in bad.content.decode()


def _channels(client_for, api_for, charlie, reg) -> dict[str, str]:
    """Everything the partner reads about the rejection, by channel."""
    n = Notification.objects.get(recipient=charlie, kind="deal_reject")
    deliver_outbox(now=timezone.now())
    email = next(m for m in mail.outbox if charlie.email in m.to)
    page = client_for(charlie).get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    api = api_for(charlie).get(f"/api/v1/deal-registrations/{reg.pk}/").json()
    export = b"".join(
        client_for(charlie).get(reverse("portal:registrations_csv")).streaming_content
    ).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(export)) if r["id"] == str(reg.pk))
    return {
        "notification": n.body,
        "email": email.body,
        "page": page,
        "api": api["rejection_reason"],
        "csv": row["rejection_reason"],
    }


@pytest.mark.parametrize(
    ("label", "words", "expected"),
    [
        ("Outside the partner's territory", "", "Outside the partner's territory"),
        ("", "We need the buyer's name.", "We need the buyer's name."),
        (
            "Insufficient information",
            "  No contact named.  ",
            "Insufficient information — No contact named.",
        ),
    ],
)
def test_the_partner_reads_exactly_the_preview_in_every_channel(
    label, words, expected, client_for, api_for, bob, charlie, acme
):
    reg = RegistrationFactory(partner=acme, customer_name="Initech")
    code = _reason(label).pk if label else ""
    c = client_for(bob)
    preview = c.get(
        reverse("deals:reject_preview", args=[reg.pk]), {"reason_code": code, "reason": words}
    ).context
    assert preview["text"] == expected
    r = c.post(
        reverse("deals:transition", args=[reg.pk, "reject"]),
        {"reason_code": code, "reason": words},
    )
    assert r.status_code == 302
    reg.refresh_from_db()
    assert (reg.status, reg.rejection_reason) == (Status.REJECTED, expected)
    seen = _channels(client_for, api_for, charlie, reg)
    assert seen["notification"] == preview["body"]
    assert seen["email"].startswith(preview["body"])
    assert seen["api"] == seen["csv"] == expected
    assert expected.replace("'", "&#x27;") in seen["page"]


def test_the_api_still_rejects_with_a_reason_alone_and_takes_a_reason_code(api_for, bob, acme):
    api = api_for(bob)
    one, two, three = (RegistrationFactory(partner=acme) for _ in range(3))
    r = api.post(
        f"/api/v1/deal-registrations/{one.pk}/transitions/reject/",
        {"reason": "Already in our pipeline."},
        format="json",
    )
    assert r.status_code == 200 and r.json()["rejection_reason"] == "Already in our pipeline."
    code = _reason("Duplicate of an existing registration").pk
    r = api.post(
        f"/api/v1/deal-registrations/{two.pk}/transitions/reject/",
        {"reason_code": code},
        format="json",
    )
    assert r.status_code == 200
    assert r.json()["rejection_reason"] == "Duplicate of an existing registration"
    retired = RejectionReason.objects.create(label="Retired one", active=False)
    for body, field in [
        ({}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason_code": retired.pk}, "reason_code"),
        ({"reason_code": 10**17}, "reason_code"),
        ({"reason_code": "x"}, "reason_code"),
    ]:
        r = api.post(
            f"/api/v1/deal-registrations/{three.pk}/transitions/reject/", body, format="json"
        )
        assert r.status_code == 400, body
        assert field in r.json(), body
    assert DealRegistration.objects.get(pk=three.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("rows", [2, 50])
def test_the_reasons_tab_costs_the_same_at_2_and_50(
    rows, client_for, alice, django_assert_num_queries
):
    RejectionReason.objects.all().delete()
    RejectionReason.objects.bulk_create(RejectionReason(label=f"Reason {i}") for i in range(rows))
    c = client_for(alice)
    # session, user, the reasons
    with django_assert_num_queries(3):
        r = c.get(reverse("program:rejection_reasons"))
    assert r.content.decode().count("/program/rejection-reasons/") >= rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_reject_form_costs_the_same_whatever_the_number_of_reasons(
    rows, client_for, bob, acme, django_assert_max_num_queries
):
    RejectionReason.objects.bulk_create(
        RejectionReason(label=f"Listed reason {i}") for i in range(rows)
    )
    reg = RegistrationFactory(partner=acme)
    c = client_for(bob)
    c.get(reverse("deals:detail", args=[reg.pk]))  # warm the per-process caches
    # the registration page's own queries, plus one for the offered reasons
    with django_assert_max_num_queries(20) as captured:
        c.get(reverse("deals:detail", args=[reg.pk]))
    assert sum('"program_rejectionreason"' in q["sql"] for q in captured.captured_queries) == 1
