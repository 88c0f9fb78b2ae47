"""The proposals queue (managers), the partner detail's tier part, and the portal's tier pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.partners.models import Partner
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from apps.tiers.services import proposal_transition
from tests.tiers.factories import TierProposalFactory, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(tiers, acme):
    return TierProposalFactory(
        partner=acme,
        current_tier=tiers["Bronze"],
        proposed_tier=tiers["Silver"],
        figures={
            "won_value": "300000.00",
            "won_deals": 6,
            "base_currency": "USD",
            "requirements": {"tier": "Silver", "min_won_value": "250000.00", "min_won_deals": 5},
            "missing_rates": {"JPY": "5000000.00"},
        },
    )


def test_it_shows_the_queue_to_managers(client_for, bob, proposal):
    response = client_for(bob).get("/tiers/proposals/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme Resellers" in body
    assert "Bronze → <strong>Silver</strong>" in body
    assert "$300,000.00" in body and "Silver needs $250,000.00" in body
    assert "Missing rate, not counted: ¥5,000,000" in body
    assert f'hx-post="/tiers/proposals/{proposal.pk}/approve/"' in body
    assert f'action="/tiers/proposals/{proposal.pk}/approve/"' in body  # works without JS


def test_it_approves_in_place_with_htmx(client_for, bob, tiers, acme, proposal):
    response = client_for(bob).post(
        f"/tiers/proposals/{proposal.pk}/approve/", HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith(f'<tr id="proposal-{proposal.pk}">')
    assert "Approved" in body and "Bob" in body
    assert "<html" not in body
    assert Partner.objects.get(pk=acme.pk).tier == tiers["Silver"]
    assert TierChange.objects.get(partner=acme).actor == bob


def test_it_dismisses_without_javascript(client_for, bob, tiers, acme, proposal):
    c = client_for(bob)
    response = c.post(f"/tiers/proposals/{proposal.pk}/dismiss/")

    assert response.status_code == 302 and response["Location"] == "/tiers/proposals/"
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.DISMISSED
    assert Partner.objects.get(pk=acme.pk).tier == tiers["Bronze"]
    page = c.get("/tiers/proposals/?status=dismissed").content.decode()
    assert "Acme Resellers" in page and "Dismissed" in page


def test_it_explains_a_refusal_in_place(client_for, bob, alice, proposal):
    proposal_transition(proposal=proposal, name="dismiss", actor=alice)

    response = client_for(bob).post(
        f"/tiers/proposals/{proposal.pk}/approve/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "is not possible while dismissed" in response.content.decode()

    response = client_for(bob).post(f"/tiers/proposals/{proposal.pk}/approve/", follow=True)
    assert "is not possible while dismissed" in response.content.decode()


def test_it_refuses_unknown_actions_and_gets(client_for, bob, proposal):
    c = client_for(bob)

    assert c.get(f"/tiers/proposals/{proposal.pk}/approve/").status_code == 405
    response = c.post(f"/tiers/proposals/{proposal.pk}/promote-everyone/", follow=True)
    assert "no action called" in response.content.decode()
    assert c.post("/tiers/proposals/999999/approve/").status_code == 404
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_it_keeps_partner_users_out_of_the_queue(client_for, client, charlie, proposal):
    c = client_for(charlie)

    for response in (
        c.get("/tiers/proposals/"),
        c.post(f"/tiers/proposals/{proposal.pk}/approve/"),
    ):
        assert (response.status_code, response["Location"]) == (302, "/portal/")
    response = client.post(f"/tiers/proposals/{proposal.pk}/approve/")
    assert response["Location"].startswith("/accounts/login/")
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_it_shows_the_tier_and_its_history_on_the_partner_page(
    client_for, bob, tiers, acme, proposal
):
    proposal_transition(proposal=proposal, name="approve", actor=bob)

    response = client_for(bob).get(f"/partners/{acme.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tier: Silver" in body
    assert "Tier history" in body
    assert "Bronze → Silver" in body
    assert "$300,000.00 won, 6 deals in 12 months" in body
    assert "Toward Gold" in body


def test_it_renders_the_partner_section_in_constant_queries(
    rf, bob, tiers, acme, django_assert_num_queries
):
    from apps.tiers.sections import partner_detail

    request = rf.get("/")
    request.user = bob
    for _ in range(30):
        TierChange.objects.create(
            partner=acme,
            from_tier=tiers["Bronze"],
            to_tier=tiers["Silver"],
            from_tier_name="Bronze",
            to_tier_name="Silver",
            direction="promotion",
            reason="r",
            at=timezone.now(),
        )
    partner = Partner.objects.select_related("tier").get(pk=acme.pk)
    # settings, tiers, the one aggregation of won registrations, certified people, history, open
    # proposal, standing
    with django_assert_num_queries(7):
        template, ctx = partner_detail(request, partner)
    assert template == "tiers/_partner_section.html"
    assert len(ctx["history"]) == 20


# --- portal ---------------------------------------------------------------------------------------


def test_it_shows_the_partner_its_tier_benefits_and_progress(client_for, charlie, acme, tiers):
    now = timezone.now()
    for _ in range(3):
        won(acme, "50000", closed_at=now - timedelta(days=3))
    Partner.objects.filter(pk=acme.pk).update(tier=tiers["Bronze"])

    response = client_for(charlie).get("/portal/tier/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Your tier: Bronze" in body
    assert "90 days per approved registration" in body
    assert "Toward Silver" in body
    assert "$150,000.00 of $250,000.00" in body
    assert 'aria-valuenow="60"' in body  # 150,000 of 250,000
    assert "3 of 5" in body and 'aria-valuenow="60"' in body
    assert "$100,000.00 more to go." in body
    assert "2 more won deals to go." in body
    assert body.count('role="progressbar"') == 2


def test_it_tells_the_partner_it_is_at_the_top(client_for, charlie, acme, tiers):
    Partner.objects.filter(pk=acme.pk).update(tier=tiers["Gold"])

    body = client_for(charlie).get("/portal/tier/").content.decode()

    assert "Your tier: Gold" in body
    assert (
        "Gold is the program&#x27;s top tier." in body or "Gold is the program's top tier." in body
    )
    assert "below Gold" in body  # nothing won: short of Gold's requirements, said plainly


def test_it_flags_money_it_could_not_convert_on_the_portal(client_for, charlie, acme, tiers):
    won(acme, "1000", currency="JPY", closed_at=timezone.now() - timedelta(days=1))

    body = client_for(charlie).get("/portal/tier/").content.decode()

    assert "Not yet counted: ¥1,000" in body


def test_it_shows_only_the_partners_own_figures(client_for, charlie, dave, acme, globex, tiers):
    for _ in range(4):
        won(globex, "99999", closed_at=timezone.now() - timedelta(days=1))
    won(acme, "12345", closed_at=timezone.now() - timedelta(days=1))

    body = client_for(charlie).get("/portal/tier/").content.decode()
    assert "$12,345.00 of" in body
    assert "99,999" not in body and "399,996" not in body and "Globex" not in body

    body = client_for(dave).get("/portal/tier/").content.decode()
    assert "$399,996.00 of" in body and "12,345" not in body


def test_it_puts_the_tier_on_the_portal_home(client_for, charlie, acme, tiers):
    Partner.objects.filter(pk=acme.pk).update(tier=tiers["Silver"])

    body = client_for(charlie).get("/portal/").content.decode()

    assert "Your tier: Silver" in body
    assert "Toward Gold" in body
    assert "120 days per approved registration" in body
    assert body.count('role="progressbar"') == 2


def test_it_keeps_staff_out_of_the_portal_tier_page(client_for, bob):
    response = client_for(bob).get("/portal/tier/")

    assert (response.status_code, response["Location"]) == (302, "/")


def test_it_marks_a_met_requirement(client_for, charlie, acme, tiers):
    for _ in range(6):
        won(acme, "10", closed_at=timezone.now() - timedelta(days=1))

    body = client_for(charlie).get("/portal/tier/").content.decode()

    assert "6 of 5" in body
    assert 'class="progress ok"' in body  # the deals bar is full and green
    assert "$249,940.00 more to go." in body
