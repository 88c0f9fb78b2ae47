"""Exits with their impact shown first: the preview (apps.core.exits) lists exactly what the exit
then does, because one function per app computes both; the exit's history keeps the summary."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.agreements.models import Agreement
from apps.core import exits
from apps.deals.models import DealRegistration
from apps.partners.models import Partner, Stage, StageHistory
from apps.partners.services import partner_transition
from apps.qbrs.models import QBR
from tests.deals.factories import RegistrationFactory
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def oscorp(bob):
    """A partner with something of every kind open, and the closed things an exit leaves alone."""
    partner = PartnerFactory(name="Oscorp", stage=Stage.GROWTH, manager=bob)
    AgreementFactory(partner=partner, status="active", title="Reseller 2026", notice_period_days=45)
    AgreementFactory(partner=partner, status="draft", title="Draft NDA")
    AgreementFactory(partner=partner, status="terminated", title="Old MOU")
    RegistrationFactory(partner=partner, customer_name="Initech", customer_domain="initech.com")
    RegistrationFactory(partner=partner, customer_name="Hooli", customer_domain="hooli.com",
                        approved=True)  # fmt: skip
    RegistrationFactory(partner=partner, customer_domain="lost.example", status="lost")
    QBRFactory(partner=partner, quarter="2026-Q4", scheduled_for=NOW + timedelta(days=10))
    QBRFactory(partner=partner, quarter="2026-Q3", status="completed", outcome="continue")
    PartnerUserFactory(partner=partner, username="norman", email="norman@oscorp.example")
    PartnerUserFactory(partner=partner, username="harry", email="harry@oscorp.example")
    PartnerUserFactory(partner=partner, username="gone", is_active=False)
    return partner


def _states(partner):
    return {
        "agreements": dict(
            Agreement.objects.filter(partner=partner).values_list("title", "status")
        ),
        "deals": dict(
            DealRegistration.objects.filter(partner=partner).values_list(
                "customer_domain", "status"
            )
        ),
        "qbrs": dict(QBR.objects.filter(partner=partner).values_list("quarter", "status")),
    }


def test_the_preview_lists_every_open_thing_and_writes_nothing(oscorp):
    before = _states(oscorp)
    effects = exits.preview(oscorp, now=NOW)
    assert [(e.app, e.action) for e in effects] == [
        ("agreements", "terminate"),
        ("deals", "withdraw"),
        ("deals", "expire"),
        ("qbrs", "cancel"),
        ("partners", "lose_access"),
        ("partners", "lose_access"),
    ]
    labels = " | ".join(e.label for e in effects)
    assert "Reseller 2026" in labels and "notice period 45 days" in labels
    assert "Initech (initech.com)" in labels and "Hooli (hooli.com)" in labels
    assert "2026-Q4" in labels and "norman@oscorp.example" in labels
    for untouched in ("Draft NDA", "Old MOU", "lost.example", "2026-Q3", "gone"):
        assert untouched not in labels
    assert _states(oscorp) == before
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH


def test_the_exit_does_exactly_what_the_preview_listed_and_records_it(oscorp, bob):
    shown = exits.preview(oscorp, now=NOW)
    partner_transition(
        partner=oscorp,
        name="exit",
        actor=bob,
        reason="Moved to a competitor",
        now=NOW,
        confirmed_impact=exits.fingerprint(shown),
    )
    entry = StageHistory.objects.get(partner=oscorp, transition="exit")
    assert entry.exit_effects == [e.as_record() for e in shown]
    assert entry.confirmed_impact == exits.fingerprint(shown)
    after = _states(oscorp)
    assert after["agreements"] == {
        "Reseller 2026": "terminated", "Draft NDA": "draft", "Old MOU": "terminated"
    }  # fmt: skip
    assert after["deals"] == {
        "initech.com": "withdrawn", "hooli.com": "expired", "lost.example": "lost"
    }  # fmt: skip
    assert after["qbrs"] == {"2026-Q4": "cancelled", "2026-Q3": "completed"}
    users = {u.username: u.has_portal_access for u in oscorp.users.all()}
    assert users == {"norman": False, "harry": False, "gone": False}
    # Nothing of theirs is left open: what was shown is all there was to do.
    assert [e for e in exits.preview(oscorp, now=NOW) if e.app != "partners"] == []


def test_a_confirmation_of_an_outdated_preview_is_refused_and_changes_nothing(oscorp, bob):
    shown = exits.fingerprint(exits.preview(oscorp, now=NOW))
    AgreementFactory(partner=oscorp, status="active", title="Signed meanwhile")
    with pytest.raises(Exception) as refused:
        partner_transition(
            partner=oscorp, name="exit", actor=bob, reason="x", now=NOW, confirmed_impact=shown
        )
    assert refused.value.code == "concurrent_change"
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH
    assert not StageHistory.objects.filter(partner=oscorp, transition="exit").exists()


def test_an_exit_without_a_preview_api_or_qbr_still_records_what_it_did(oscorp, bob):
    partner_transition(partner=oscorp, name="exit", actor=bob, reason="Ended", now=NOW)
    entry = StageHistory.objects.get(partner=oscorp, transition="exit")
    assert entry.confirmed_impact == ""
    assert [e["action"] for e in entry.exit_effects] == [
        "terminate", "withdraw", "expire", "cancel", "lose_access", "lose_access"
    ]  # fmt: skip


def test_every_app_declaring_exit_effects_is_found(oscorp):
    assert [m.__name__ for m in exits.exit_modules()] == [
        "apps.agreements.exit",
        "apps.deals.exit",
        "apps.qbrs.exit",
        "apps.leads.exit",
        "apps.funds.exit",
        "apps.partners.exit",
    ]


# --- the partner page: the exit's impact first, then the exit -----------------------------------


def test_the_page_shows_the_impact_first_and_changes_nothing(client_for, bob, oscorp):
    url = reverse("partners:transition", args=[oscorp.pk, "exit"])
    r = client_for(bob).post(url, {"from_stage": "growth", "reason": "Moved to a competitor"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Exit Oscorp?" in html and "Confirm the exit" in html
    for shown in exits.preview(oscorp, now=NOW):
        assert shown.label in html
    assert exits.fingerprint(exits.preview(oscorp, now=NOW)) in html
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH


def test_confirming_the_shown_impact_exits_and_the_timeline_keeps_the_summary(
    client_for, bob, oscorp
):
    c = client_for(bob)
    url = reverse("partners:transition", args=[oscorp.pk, "exit"])
    shown = exits.preview(oscorp, now=NOW)
    r = c.post(
        url,
        {
            "from_stage": "growth",
            "reason": "Moved to a competitor",
            "confirmed_impact": exits.fingerprint(shown),
        },
    )
    assert r.status_code == 302
    entry = StageHistory.objects.get(partner=oscorp, transition="exit")
    assert entry.confirmed_impact == exits.fingerprint(shown)
    assert [e["label"] for e in entry.exit_effects] == [e.label for e in shown]
    html = c.get(reverse("partners:detail", args=[oscorp.pk])).content.decode()
    assert "Confirmed after its impact was shown." in html
    assert "Reseller 2026" in html and "notice period 45 days" in html


def test_a_stale_confirmation_shows_the_new_impact_with_409(client_for, bob, oscorp):
    url = reverse("partners:transition", args=[oscorp.pk, "exit"])
    old = exits.fingerprint(exits.preview(oscorp, now=NOW))
    AgreementFactory(partner=oscorp, status="active", title="Signed meanwhile")
    r = client_for(bob).post(url, {"from_stage": "growth", "reason": "x", "confirmed_impact": old})
    assert r.status_code == 409
    html = r.content.decode()
    assert "has changed since it was shown" in html and "Signed meanwhile" in html
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH


# --- the QBR outcome exit: the same impact beside the form ----------------------------------------


def test_the_qbr_page_shows_the_exit_impact_and_the_exit_does_it(client_for, bob, oscorp):
    from apps.qbrs import selectors as qbr_selectors

    QBR.objects.filter(partner=oscorp, status="scheduled").delete()  # one open QBR a partner
    running = QBRFactory(partner=oscorp, quarter="2027-Q1", status="in_progress")
    c = client_for(bob)
    html = c.get(reverse("qbrs:detail", args=[running.pk])).content.decode()
    shown = qbr_selectors.exit_preview(running, NOW)
    assert [e.object_id for e in shown if e.app == "qbrs"] != [running.pk]  # not itself
    for effect in shown:
        assert effect.label in html
    r = c.post(
        reverse("qbrs:transition", args=[running.pk, "complete"]),
        {
            "outcome": "exit",
            "reason": "Left the market",
            "confirmed_impact": exits.fingerprint(shown),
        },
    )
    assert r.status_code == 302
    entry = StageHistory.objects.get(partner=oscorp, transition="exit")
    assert entry.exit_effects == [e.as_record() for e in shown]
    assert entry.confirmed_impact == exits.fingerprint(shown)
    assert QBR.objects.get(pk=running.pk).status == "completed"


def test_a_qbr_exit_confirmed_on_an_outdated_impact_is_refused_whole(client_for, bob, oscorp):
    from apps.qbrs import selectors as qbr_selectors

    QBR.objects.filter(partner=oscorp, status="scheduled").delete()  # one open QBR a partner
    running = QBRFactory(partner=oscorp, quarter="2027-Q1", status="in_progress")
    old = exits.fingerprint(qbr_selectors.exit_preview(running, NOW))
    RegistrationFactory(partner=oscorp, customer_domain="new.example")
    client_for(bob).post(
        reverse("qbrs:transition", args=[running.pk, "complete"]),
        {"outcome": "exit", "reason": "Left the market", "confirmed_impact": old},
    )
    assert QBR.objects.get(pk=running.pk).status == "in_progress"
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH


# --- the apps above: leads and funds close their own things through the same registry ----------


def test_leads_and_fund_requests_are_in_the_preview_and_the_exit_does_exactly_that(oscorp, bob):
    from apps.funds.models import FundRequest
    from apps.leads.models import Lead
    from tests.funds.factories import allocation, request_in
    from tests.leads.factories import LeadFactory

    waiting = LeadFactory(company="Waiting Lead Co", status="assigned", partner=oscorp,
                          accept_by=NOW + timedelta(hours=5))  # fmt: skip
    accepted = LeadFactory(company="Accepted Lead Co", status="accepted", partner=oscorp)
    funds = allocation(oscorp)
    member = PartnerUserFactory(partner=oscorp, username="miles", partner_role="member")
    draft = request_in("draft", funds, by=member, manager=bob)
    approved = request_in("approved", funds, amount="1500.00", by=member, manager=bob)
    claimed = request_in("claimed", funds, amount="500.00", by=member, manager=bob)
    funds.refresh_from_db()
    committed_before = funds.committed

    shown = exits.preview(oscorp, now=NOW)
    mine = [(e.app, e.action, e.object_id) for e in shown if e.app in ("leads", "funds")]
    assert sorted(mine) == sorted([
        ("leads", "recall", waiting.pk),
        ("leads", "close", accepted.pk),
        ("funds", "cancel", draft.pk),
        ("funds", "cancel", approved.pk),
    ])  # fmt: skip
    assert [e.app for e in shown].index("leads") < [e.app for e in shown].index("funds")

    partner_transition(partner=oscorp, name="exit", actor=bob, reason="Ended", now=NOW,
                       confirmed_impact=exits.fingerprint(shown))  # fmt: skip
    assert Lead.objects.get(pk=waiting.pk).partner_id != oscorp.pk  # recalled (routed or not)
    assert Lead.objects.get(pk=accepted.pk).status == "closed"
    statuses = dict(FundRequest.objects.filter(partner=oscorp).values_list("pk", "status"))
    assert statuses == {draft.pk: "cancelled", approved.pk: "cancelled", claimed.pk: "claimed"}
    funds.refresh_from_db()
    assert funds.committed == committed_before - Decimal("1500.00")  # released to the allocation
    assert [e for e in exits.preview(oscorp, now=NOW) if e.app in ("leads", "funds")] == []
