"""/api/v1/tiers/ (admins write, everyone reads), /api/v1/tier-proposals/ (managers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.partners.models import Partner, Stage
from apps.program.models import ExchangeRate, Tier
from apps.tiers.models import ProposalStatus, TierChange, TierProposal
from tests.factories import PartnerFactory
from tests.tiers.factories import TierProposalFactory

pytestmark = pytest.mark.django_db

PLATINUM = {
    "name": "Platinum",
    "rank": 4,
    "min_won_value": "2000000.00",
    "min_won_deals": 30,
    "protection_days": 240,
    "discount_percent": "25.00",
    "qbr_cadence_months": 1,
}


def test_it_lets_everyone_signed_in_read_the_tiers(api_for, alice, bob, charlie, tiers):
    for user in (alice, bob, charlie):
        response = api_for(user).get("/api/v1/tiers/")
        assert response.status_code == 200
        assert [t["name"] for t in response.data["results"]] == ["Bronze", "Silver", "Gold"]
    silver = api_for(charlie).get(f"/api/v1/tiers/{tiers['Silver'].pk}/").data
    assert silver == {
        "id": tiers["Silver"].pk,
        "name": "Silver",
        "rank": 2,
        "min_won_value": "250000.00",
        "min_won_deals": 5,
        "min_certified_people": 0,
        "protection_days": 120,
        "discount_percent": "10.00",
        "qbr_cadence_months": 3,
        "description": "Silver benefits.",
        "rebate_percent": "0.00",  # earnings: the rebate on won deals
    }
    assert api_for(None).get("/api/v1/tiers/").status_code == 401


def test_it_lets_admins_create_change_and_delete_tiers(api_for, alice, tiers):
    api = api_for(alice)

    created = api.post("/api/v1/tiers/", PLATINUM, format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    patched = api.patch(f"/api/v1/tiers/{pk}/", {"protection_days": 300}, format="json")
    assert patched.status_code == 200
    assert Tier.objects.get(pk=pk).protection_days == 300
    assert api.delete(f"/api/v1/tiers/{pk}/").status_code == 204
    assert not Tier.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_it_forbids_managers_and_partner_users_to_change_tiers(api_for, request, tiers, who):
    api = api_for(request.getfixturevalue(who))
    silver = tiers["Silver"].pk

    assert api.post("/api/v1/tiers/", PLATINUM, format="json").status_code == 403
    assert api.patch(f"/api/v1/tiers/{silver}/", {"rank": 9}, format="json").status_code == 403
    assert api.put(f"/api/v1/tiers/{silver}/", PLATINUM, format="json").status_code == 403
    assert api.delete(f"/api/v1/tiers/{silver}/").status_code == 403
    assert Tier.objects.count() == 3 and Tier.objects.get(pk=silver).rank == 2


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", ""),
        ("name", "x" * 61),
        ("name", None),
        ("rank", 0),
        ("rank", 101),
        ("rank", "1e400"),
        ("rank", 3),  # Gold's
        ("rank", [1]),
        ("min_won_value", "NaN"),
        ("min_won_value", "-Infinity"),
        ("min_won_value", "-1"),
        ("min_won_value", "1000000000000.00"),
        ("min_won_value", "999999"),  # below Gold's, at a higher rank
        ("min_won_value", {"$gt": 1}),
        ("min_won_deals", -1),
        ("min_won_deals", 10),  # below Gold's 15
        ("min_won_deals", 2**63),
        ("protection_days", 0),
        ("protection_days", 366),
        ("discount_percent", "101"),
        ("qbr_cadence_months", 13),
        ("description", "x" * 2001),
    ],
)
def test_it_answers_bad_tier_input_with_400(api_for, alice, tiers, field, value):
    response = api_for(alice).post("/api/v1/tiers/", {**PLATINUM, field: value}, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not Tier.objects.filter(name="Platinum").exists()


def test_it_refuses_a_patch_that_breaks_the_order_of_requirements(api_for, alice, tiers):
    response = api_for(alice).patch(
        f"/api/v1/tiers/{tiers['Bronze'].pk}/", {"min_won_deals": 6}, format="json"
    )

    assert response.status_code == 400
    assert "Silver (rank 2) requires only" in response.data["min_won_deals"][0]


def test_it_refuses_with_409_to_delete_a_tier_in_use(api_for, alice, tiers):
    PartnerFactory(name="Initech", stage=Stage.GROWTH, tier=tiers["Gold"])

    response = api_for(alice).delete(f"/api/v1/tiers/{tiers['Gold'].pk}/")

    assert response.status_code == 409
    assert response.data["code"] == "conditions_unmet"
    assert response.data["unmet"] == [
        "1 partner is on this tier: Initech. Move them to another tier first."
    ]
    assert Tier.objects.filter(pk=tiers["Gold"].pk).exists()


# --- tier proposals ---------------------------------------------------------------------------------


@pytest.fixture
def proposal(tiers, acme):
    return TierProposalFactory(
        partner=acme, current_tier=tiers["Bronze"], proposed_tier=tiers["Silver"]
    )


def test_it_lists_proposals_for_managers(api_for, bob, acme, proposal):
    response = api_for(bob).get("/api/v1/tier-proposals/")

    assert response.status_code == 200
    [row] = response.data["results"]
    assert {k: row[k] for k in ("id", "partner", "current_tier", "proposed_tier", "direction")} == {
        "id": proposal.pk,
        "partner": proposal.partner_id,
        "current_tier": proposal.current_tier_id,
        "proposed_tier": proposal.proposed_tier_id,
        "direction": "promotion",
    }
    assert row["status"] == "open" and row["figures"]["won_deals"] == 6 and row["created_at"]
    assert api_for(bob).get("/api/v1/tier-proposals/?status=approved").data["count"] == 0
    assert api_for(bob).get("/api/v1/tier-proposals/?status=bogus").status_code == 400
    assert api_for(bob).get(f"/api/v1/tier-proposals/?partner={acme.pk}").data["count"] == 1
    assert api_for(bob).get(f"/api/v1/tier-proposals/?partner={acme.pk + 1}").data["count"] == 0
    assert api_for(bob).get("/api/v1/tier-proposals/?partner=1;drop").status_code == 400


def test_it_keeps_proposals_from_partner_users(api_for, charlie, proposal):
    api = api_for(charlie)

    assert api.get("/api/v1/tier-proposals/").status_code == 403
    assert api.get(f"/api/v1/tier-proposals/{proposal.pk}/").status_code == 403
    assert api.post(f"/api/v1/tier-proposals/{proposal.pk}/transitions/approve/").status_code == 403
    assert TierProposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    assert api_for(None).get("/api/v1/tier-proposals/").status_code == 401


def test_it_describes_the_transitions(api_for, bob, proposal):
    response = api_for(bob).get(f"/api/v1/tier-proposals/{proposal.pk}/transitions/")

    assert response.status_code == 200
    assert [(t["name"], t["target"], t["allowed"]) for t in response.data] == [
        ("approve", "approved", True),
        ("dismiss", "dismissed", True),
    ]


def test_it_approves_a_proposal_through_the_api(api_for, bob, tiers, acme, proposal):
    response = api_for(bob).post(
        f"/api/v1/tier-proposals/{proposal.pk}/transitions/approve/",
        {"note": "Well earned."},
        format="json",
    )

    assert response.status_code == 200
    assert response.data["status"] == "approved"
    assert response.data["decided_by"] == bob.pk
    assert Partner.objects.get(pk=acme.pk).tier == tiers["Silver"]
    change = TierChange.objects.get(partner=acme)
    assert change.actor == bob and "Well earned." in change.reason

    again = api_for(bob).post(f"/api/v1/tier-proposals/{proposal.pk}/transitions/dismiss/")
    assert again.status_code == 409
    assert again.data["code"] == "transition_not_allowed"


def test_it_dismisses_a_proposal_through_the_api(api_for, bob, tiers, acme, proposal):
    response = api_for(bob).post(f"/api/v1/tier-proposals/{proposal.pk}/transitions/dismiss/")

    assert response.status_code == 200
    assert response.data["status"] == "dismissed"
    assert Partner.objects.get(pk=acme.pk).tier == tiers["Bronze"]
    assert not TierChange.objects.exists()


def test_it_answers_409_when_the_partner_tier_changed_meanwhile(
    api_for, bob, tiers, acme, proposal
):
    Partner.objects.filter(pk=acme.pk).update(tier=tiers["Gold"])

    response = api_for(bob).post(f"/api/v1/tier-proposals/{proposal.pk}/transitions/approve/")

    assert response.status_code == 409
    assert response.data["code"] == "conditions_unmet"
    assert response.data["unmet"]


def test_it_answers_404_for_unknown_proposals_and_transitions(api_for, bob, proposal):
    api = api_for(bob)

    assert api.get("/api/v1/tier-proposals/999999/").status_code == 404
    assert api.post(f"/api/v1/tier-proposals/{proposal.pk}/transitions/explode/").status_code == 404
    too_long = api.post(
        f"/api/v1/tier-proposals/{proposal.pk}/transitions/approve/",
        {"note": "x" * 501},
        format="json",
    )
    assert too_long.status_code == 400 and "note" in too_long.data


# --- exchange rates ----------------------------------------------------------------------------------


def test_it_lets_only_admins_manage_exchange_rates(api_for, alice, bob, charlie, program):
    body = {"currency": "eur", "rate_to_base": "1.08", "effective_date": "2026-01-01"}

    assert api_for(bob).post("/api/v1/exchange-rates/", body, format="json").status_code == 403
    assert api_for(charlie).get("/api/v1/exchange-rates/").status_code == 403
    created = api_for(alice).post("/api/v1/exchange-rates/", body, format="json")
    assert created.status_code == 201
    assert ExchangeRate.objects.get().currency == "EUR"
    assert api_for(alice).post("/api/v1/exchange-rates/", body, format="json").status_code == 400
    base = {**body, "currency": "USD", "effective_date": "2026-02-01"}
    assert api_for(alice).post("/api/v1/exchange-rates/", base, format="json").status_code == 400
    zero = {**body, "rate_to_base": "0", "effective_date": "2026-02-01"}
    assert api_for(alice).post("/api/v1/exchange-rates/", zero, format="json").status_code == 400


def test_it_keeps_the_tier_amounts_exact(api_for, alice, tiers):
    api_for(alice).patch(
        f"/api/v1/tiers/{tiers['Gold'].pk}/", {"min_won_value": "1000000.10"}, format="json"
    )

    assert Tier.objects.get(pk=tiers["Gold"].pk).min_won_value == Decimal("1000000.10")


def test_certified_people_never_decrease_as_the_rank_rises(api_for, alice, tiers):
    """The certification requirement follows the same order rule as won value and deals."""
    api = api_for(alice)
    gold = f"/api/v1/tiers/{tiers['Gold'].pk}/"
    assert api.patch(gold, {"min_certified_people": 3}, format="json").status_code == 200
    too_many = api.patch(
        f"/api/v1/tiers/{tiers['Silver'].pk}/", {"min_certified_people": 4}, format="json"
    )
    assert too_many.status_code == 400
    assert "Gold (rank 3) requires only" in too_many.json()["min_certified_people"][0]
    assert Tier.objects.get(pk=tiers["Silver"].pk).min_certified_people == 0
    platinum = {
        "name": "Platinum", "rank": 4, "min_won_value": "2000000.00", "min_won_deals": 40,
        "protection_days": 120, "discount_percent": "30.00", "qbr_cadence_months": 1,
    }  # fmt: skip
    too_few = api.post("/api/v1/tiers/", {**platinum, "min_certified_people": 2}, format="json")
    assert too_few.status_code == 400
    assert "Gold (rank 3) already requires" in too_few.json()["min_certified_people"][0]
    assert api.post("/api/v1/tiers/", platinum, format="json").status_code == 400  # 0 < 3
    taken = api.post("/api/v1/tiers/", {**platinum, "min_certified_people": 3}, format="json")
    assert taken.status_code == 201, taken.json()
