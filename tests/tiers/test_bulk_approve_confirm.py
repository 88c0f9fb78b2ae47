"""Approving several tier proposals at once shows first which partners move from which tier to
which, computed by the function that then approves them (apps.tiers.services.bulk); a plan that
changed meanwhile asks again; only staff, and never a partner, reach it."""

from __future__ import annotations

import re

import pytest

from apps.partners.models import Partner, Stage
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from apps.tiers.services import proposals_approve_plan
from tests.factories import PartnerFactory
from tests.tiers.factories import TierProposalFactory

pytestmark = pytest.mark.django_db
URL = "/tiers/proposals/approve/"


@pytest.fixture
def proposals(tiers, bob):
    up = PartnerFactory(name="Initech", stage=Stage.GROWTH, manager=bob, tier=tiers["Bronze"])
    down = PartnerFactory(name="Hooli", stage=Stage.GROWTH, manager=bob, tier=tiers["Gold"])
    return [
        TierProposalFactory(
            partner=up, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
        ),
        TierProposalFactory(
            partner=down,
            current_tier=tiers["Gold"],
            proposed_tier=tiers["Silver"],
            direction="demotion",
        ),
    ]


def _form(html: str) -> dict:
    return {
        "proposal": re.findall(r'name="proposal" value="(\d+)"', html),
        "confirmed": re.search(r'name="confirmed" value="([0-9a-f]{64})"', html).group(1),
    }


def _rows(html: str) -> list[tuple[str, ...]]:
    table = html.split('data-testid="bulk-moves"')[1].split("</table>")[0]
    return re.findall(
        r"<tr><td><a [^>]+>([^<]+)</a></td><td>([^<]+)</td><td>([^<]+)</td><td><strong>([^<]+)",
        table,
    )


def test_the_queue_offers_the_choice_and_the_summary_lists_every_move(client_for, bob, proposals):
    c = client_for(bob)
    queue = c.get("/tiers/proposals/").content.decode()
    assert 'form="bulk-approve"' in queue and 'id="bulk-approve"' in queue
    html = c.get(URL, {"proposal": [p.pk for p in proposals]}).content.decode()
    assert _rows(html) == [
        ("Hooli", "Demotion", "Gold", "Silver"),
        ("Initech", "Promotion", "Bronze", "Silver"),
    ]
    assert "Approve 2 tier changes" in html
    assert not TierChange.objects.exists()  # looking changed nothing
    plan = proposals_approve_plan(ids=[p.pk for p in proposals])

    response = c.post(URL, {**_form(html), "note": "Quarter close"}, follow=True)
    assert response.redirect_chain == [("/tiers/proposals/", 302)]
    assert "2 tier changes approved." in response.content.decode()
    changes = sorted(
        (c.partner.name, c.from_tier_name, c.to_tier_name) for c in TierChange.objects.all()
    )
    assert changes == sorted((m.partner_name, m.from_label, m.to_label) for m in plan.moves)
    assert set(Partner.objects.values_list("tier__name", flat=True)) == {"Silver"}
    assert set(TierProposal.objects.values_list("status", flat=True)) == {ProposalStatus.APPROVED}
    assert all("Quarter close" in c.reason for c in TierChange.objects.all())


def test_a_proposal_that_cannot_be_approved_is_named_with_its_reason(
    client_for, bob, tiers, proposals
):
    Partner.objects.filter(pk=proposals[0].partner_id).update(tier=tiers["Gold"])
    html = client_for(bob).get(URL, {"proposal": [p.pk for p in proposals]}).content.decode()
    assert _rows(html) == [("Hooli", "Demotion", "Gold", "Silver")]
    skipped = html.split('data-testid="bulk-not-approved"')[1].split("</ul>")[0]
    assert "Initech: The partner&#x27;s tier has changed since this was proposed" in skipped
    assert "Approve 1 tier change" in html


def test_a_decision_meanwhile_asks_again_and_approves_nothing(client_for, bob, proposals):
    c = client_for(bob)
    form = _form(c.get(URL, {"proposal": [p.pk for p in proposals]}).content.decode())
    TierProposal.objects.filter(pk=proposals[1].pk).update(status=ProposalStatus.DISMISSED)
    response = c.post(URL, form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since they were shown" in html
    assert _rows(html) == [("Initech", "Promotion", "Bronze", "Silver")]
    assert "It was dismissed meanwhile." in html
    assert not TierChange.objects.exists()
    assert c.post(URL, _form(html)).status_code == 302
    assert TierChange.objects.get().to_tier_name == "Silver"


@pytest.mark.parametrize("ids", [[], ["abc"], ["1" * 30]])
def test_unreadable_choices_answer_400(client_for, bob, proposals, ids):
    c = client_for(bob)
    for response in (c.get(URL, {"proposal": ids}), c.post(URL, {"proposal": ids})):
        assert response.status_code == 400
    assert not TierChange.objects.exists()


def test_partner_users_are_sent_to_their_portal_and_see_no_names(client_for, charlie, proposals):
    ids = [p.pk for p in proposals]
    for response in (client_for(charlie).get(URL, {"proposal": ids}),
                     client_for(charlie).post(URL, {"proposal": ids, "confirmed": "x"})):  # fmt: skip
        assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert not TierChange.objects.exists()
