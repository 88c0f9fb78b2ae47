"""Deleting a tier shows first what it does — the partners on it and the tier they move to, the
open proposals withdrawn, or why it cannot be done — computed by the function that then does
it (apps.tiers.services.deletion); a plan that changed meanwhile asks again."""

from __future__ import annotations

import re

import pytest

from apps.enablement.models import Resource
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from apps.program.models import Tier
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from apps.tiers.services import tier_delete_plan
from tests.enablement.factories import CourseFactory, ResourceFactory
from tests.factories import PartnerFactory
from tests.tiers.factories import TierProposalFactory

pytestmark = pytest.mark.django_db


def _url(tier) -> str:
    return f"/tiers/settings/{tier.pk}/delete/"


def _form(html: str) -> dict[str, str]:
    fields = dict(
        re.findall(r'<input type="hidden" name="(move_to|confirmed)" value="([^"]*)"', html)
    )
    assert "confirmed" in fields, html
    return fields


@pytest.fixture
def silver_partners(tiers, bob):
    # the starter library's resources for Silver and up would refuse it (tested below)
    Resource.objects.update(min_tier=None)
    return [
        PartnerFactory(name=name, stage=Stage.GROWTH, manager=bob, tier=tiers["Silver"])
        for name in ("Initech", "Hooli", "Umbrella")
    ]


def test_the_page_lists_who_moves_where_and_confirming_does_exactly_that(
    client_for, alice, tiers, silver_partners
):
    other = PartnerFactory(name="Vandelay", stage=Stage.GROWTH, tier=tiers["Bronze"])
    proposal = TierProposalFactory(
        partner=other, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )
    c = client_for(alice)
    page = c.get(_url(tiers["Silver"]))
    assert page.status_code == 200
    html = page.content.decode()
    moves = html.split('data-testid="partner-moves"')[1].split("</ul>")[0]
    # the default: the tier just below
    assert re.findall(r">([^<]+)</a>: Silver → <strong>Bronze</strong>", moves) == [
        "Hooli",
        "Initech",
        "Umbrella",
    ]
    assert "Vandelay: Bronze → Silver" in html.split('data-testid="proposal-withdrawals"')[1]
    assert "Delete Silver and move 3 partners to Bronze" in html
    # looking changed nothing
    assert Tier.objects.filter(pk=tiers["Silver"].pk).exists()
    assert Partner.objects.filter(tier=tiers["Silver"]).count() == 3

    # choose Gold instead, without JavaScript: the plan is recomputed for it
    html = c.get(_url(tiers["Silver"]), {"move_to": tiers["Gold"].pk}).content.decode()
    assert "Delete Silver and move 3 partners to Gold" in html
    plan = tier_delete_plan(tier=tiers["Silver"], move_to=tiers["Gold"])

    response = c.post(_url(tiers["Silver"]), _form(html), follow=True)
    assert response.redirect_chain == [("/tiers/settings/", 302)]
    assert "Tier Silver deleted. 3 partners moved to Gold. 1 open proposal withdrawn." in (
        response.content.decode()
    )
    # what the plan listed is what happened, and nothing more
    assert not Tier.objects.filter(name="Silver").exists()
    moved = {p.pk for p in Partner.objects.filter(tier=tiers["Gold"])}
    assert moved == {m.partner_id for m in plan.partners} == {p.pk for p in silver_partners}
    assert Partner.objects.get(pk=other.pk).tier == tiers["Bronze"]
    withdrawn = TierProposal.objects.filter(status=ProposalStatus.WITHDRAWN)
    assert [p.pk for p in withdrawn] == [p.pk for p in plan.proposals] == [proposal.pk]
    changes = TierChange.objects.filter(partner__in=silver_partners)
    assert (
        sorted((c.from_tier_name, c.to_tier_name, c.actor_id) for c in changes)
        == [("Silver", "Gold", alice.pk)] * 3
    )
    assert Notification.objects.filter(kind="tier_change").exists()


def test_a_partner_arriving_after_the_summary_asks_again_and_changes_nothing(
    client_for, alice, tiers, silver_partners
):
    c = client_for(alice)
    form = _form(c.get(_url(tiers["Silver"])).content.decode())
    late = PartnerFactory(name="Late Arrival", stage=Stage.GROWTH, tier=tiers["Silver"])
    response = c.post(_url(tiers["Silver"]), form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "has changed since it was shown" in html
    assert "Late Arrival" in html and "move 4 partners to Bronze" in html
    assert Tier.objects.filter(pk=tiers["Silver"].pk).exists()
    assert Partner.objects.filter(tier=tiers["Silver"]).count() == 4
    assert not TierChange.objects.exists()
    # confirming what is shown now does it, the late one included
    assert c.post(_url(tiers["Silver"]), _form(html)).status_code == 302
    assert Partner.objects.get(pk=late.pk).tier == tiers["Bronze"]


def test_without_a_tier_to_move_to_it_is_refused_with_the_reason(
    client_for, alice, tiers, silver_partners
):
    c = client_for(alice)
    html = c.get(_url(tiers["Silver"]), {"move_to": ""}).content.decode()
    assert "3 partners are on this tier: Hooli, Initech, Umbrella." in html
    assert "Move them to another tier first." in html
    assert 'name="confirmed"' not in html
    # a forged confirmation of that plan changes nothing
    plan = tier_delete_plan(tier=tiers["Silver"])
    response = c.post(_url(tiers["Silver"]), {"move_to": "", "confirmed": plan.fingerprint})
    assert response.status_code == 409
    assert Partner.objects.filter(tier=tiers["Silver"]).count() == 3


@pytest.mark.parametrize("move_to", ["abc", "999999", "self"])
def test_an_unknown_tier_to_move_to_answers_400(client_for, alice, tiers, silver_partners, move_to):
    if move_to == "self":
        move_to = str(tiers["Silver"].pk)
    c = client_for(alice)
    for response in (
        c.get(_url(tiers["Silver"]), {"move_to": move_to}),
        c.post(_url(tiers["Silver"]), {"move_to": move_to, "confirmed": "x"}),
    ):
        assert response.status_code == 400
        assert "Choose one of the other tiers" in response.content.decode()
    assert Tier.objects.filter(pk=tiers["Silver"].pk).exists()


def test_a_course_or_resource_that_needs_the_tier_is_named_and_refuses(client_for, alice, tiers):
    Resource.objects.update(min_tier=None)
    CourseFactory(title="Gold selling", min_tier=tiers["Gold"])
    ResourceFactory(title="Gold pricing", min_tier=tiers["Gold"])
    c = client_for(alice)
    html = c.get(_url(tiers["Gold"])).content.decode()
    assert "Courses still require it: Gold selling. Change them first." in html
    assert "Resources still require it: Gold pricing. Change them first." in html
    assert 'name="confirmed"' not in html
    plan = tier_delete_plan(tier=tiers["Gold"], move_to=tiers["Silver"])
    response = c.post(
        _url(tiers["Gold"]), {"move_to": tiers["Silver"].pk, "confirmed": plan.fingerprint}
    )
    assert response.status_code == 409
    assert Tier.objects.filter(pk=tiers["Gold"].pk).exists()


def test_an_unused_tier_deletes_with_its_one_line_summary(client_for, alice, tiers):
    Resource.objects.update(min_tier=None)
    c = client_for(alice)
    html = c.get(_url(tiers["Gold"])).content.decode()
    assert "Gold is removed from the program." in html
    assert "Partners on this tier" not in html
    assert c.post(_url(tiers["Gold"]), _form(html)).status_code == 302
    assert not Tier.objects.filter(name="Gold").exists()


def test_managers_and_partner_users_never_see_the_summary(
    client_for, bob, charlie, tiers, silver_partners
):
    assert client_for(bob).get(_url(tiers["Silver"])).status_code == 403
    response = client_for(charlie).get(_url(tiers["Silver"]))
    assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert client_for(bob).post(_url(tiers["Silver"]), {"confirmed": "x"}).status_code == 403
    assert Partner.objects.filter(tier=tiers["Silver"]).count() == 3
