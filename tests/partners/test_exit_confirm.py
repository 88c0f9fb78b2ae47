"""The exit's confirmation page: its counts by heading are what the exit then changes in the
database, only staff reach it, and nothing on it or after it names another partner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.agreements.models import Agreement
from apps.deals.models import DealRegistration
from apps.partners.models import Partner, Stage
from apps.qbrs.models import QBR
from tests.deals.factories import RegistrationFactory
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stark(bob):
    partner = PartnerFactory(name="Stark Industries", stage=Stage.GROWTH, manager=bob)
    for title in ("Reseller 2026", "Referral 2026"):
        AgreementFactory(partner=partner, status="active", title=title)
    AgreementFactory(partner=partner, status="draft", title="Draft NDA")
    for i in range(3):
        RegistrationFactory(partner=partner, customer_domain=f"waiting{i}.example")
    RegistrationFactory(partner=partner, customer_domain="approved.example", approved=True)
    QBRFactory(partner=partner, quarter="2027-Q1", scheduled_for=timezone.now() + timedelta(days=9))
    for name in ("pepper", "happy"):
        PartnerUserFactory(partner=partner, username=name)
    return partner


@pytest.fixture
def wayne(bob):
    """Another partner with open things of its own, which no exit of Stark may touch or name."""
    partner = PartnerFactory(name="Wayne Enterprises", stage=Stage.GROWTH, manager=bob)
    AgreementFactory(partner=partner, status="active", title="Wayne Reseller")
    RegistrationFactory(
        partner=partner, customer_name="Gotham Bank", customer_domain="gotham.example"
    )
    PartnerUserFactory(partner=partner, username="lucius")
    return partner


def _counts(html: str) -> dict[str, int]:
    """The summary's headings with their counts: {"Agreements to terminate": 2, …}."""
    return {
        h: int(n)
        for h, n in re.findall(r"<h3>([^<]+?) <span class=\"muted\">\((\d+)\)</span></h3>", html)
    }


def _open_counts(partner) -> dict[str, int]:
    partner = Partner.objects.get(pk=partner.pk)  # its users read its stage as stored now
    return {
        "agreements": Agreement.objects.filter(partner=partner, status="active").count(),
        "waiting": DealRegistration.objects.filter(partner=partner, status="submitted").count(),
        "approved": DealRegistration.objects.filter(partner=partner, status="approved").count(),
        "qbrs": QBR.objects.filter(partner=partner, status="scheduled").count(),
        "users": sum(u.has_portal_access for u in partner.users.all()),
    }


def test_the_counts_shown_are_what_the_exit_changes(client_for, bob, stark, wayne):
    c = client_for(bob)
    url = reverse("partners:transition", args=[stark.pk, "exit"])
    page = c.post(url, {"from_stage": "growth", "reason": "Acquired"})
    html = page.content.decode()
    counts = _counts(html)
    assert counts == {
        "Agreements to terminate": 2,
        "Registrations to withdraw": 3,
        "Registrations to expire": 1,
        "QBRs to cancel": 1,
        "Users who lose access to the portal": 2,
    }
    assert "Wayne" not in html and "Gotham" not in html and "lucius" not in html
    before, wayne_before = _open_counts(stark), _open_counts(wayne)
    fingerprint = re.search(r'name="confirmed_impact" value="([0-9a-f]{64})"', html).group(1)
    done = c.post(
        url, {"from_stage": "growth", "reason": "Acquired", "confirmed_impact": fingerprint}
    )
    assert done.status_code == 302
    after = _open_counts(stark)
    assert before["agreements"] - after["agreements"] == counts["Agreements to terminate"]
    assert before["waiting"] - after["waiting"] == counts["Registrations to withdraw"]
    assert before["approved"] - after["approved"] == counts["Registrations to expire"]
    assert before["qbrs"] - after["qbrs"] == counts["QBRs to cancel"]
    assert before["users"] - after["users"] == counts["Users who lose access to the portal"]
    assert Agreement.objects.filter(partner=stark, status="terminated").count() == 2
    assert Agreement.objects.get(partner=stark, title="Draft NDA").status == "draft"
    # the other partner is untouched
    assert _open_counts(wayne) == wayne_before
    assert Partner.objects.get(pk=wayne.pk).stage == Stage.GROWTH


def test_partner_users_never_reach_the_exit_summary(client_for, stark, wayne):
    lucius = wayne.users.get()
    pepper = stark.users.get(username="pepper")
    url = reverse("partners:transition", args=[stark.pk, "exit"])
    for user in (lucius, pepper):
        response = client_for(user).post(url, {"from_stage": "growth", "reason": "x"})
        assert (response.status_code, response["Location"]) == (302, reverse("portal:home"))
    assert Partner.objects.get(pk=stark.pk).stage == Stage.GROWTH


def test_an_exit_without_a_reason_asks_for_one_and_shows_nothing(client_for, bob, stark):
    url = reverse("partners:transition", args=[stark.pk, "exit"])
    response = client_for(bob).post(url, {"from_stage": "growth", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why the partnership ends." in html
    assert "Confirm the exit" not in html
    assert Partner.objects.get(pk=stark.pk).stage == Stage.GROWTH


def test_an_unknown_partner_answers_404(client_for, bob):
    url = reverse("partners:transition", args=[987654321, "exit"])
    assert client_for(bob).post(url, {"from_stage": "growth", "reason": "x"}).status_code == 404
