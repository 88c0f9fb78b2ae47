"""Tier configuration pages (admins): validation, hostile input, deletion, role refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from apps.partners.models import Stage
from apps.program.models import ExchangeRate, Tier
from tests.factories import PartnerFactory
from tests.tiers.factories import ExchangeRateFactory, TierProposalFactory

pytestmark = pytest.mark.django_db


def platinum(**overrides):
    data = {
        "name": "Platinum",
        "rank": "4",
        "min_won_value": "2000000",
        "min_won_deals": "30",
        "protection_days": "240",
        "discount_percent": "25",
        "qbr_cadence_months": "1",
        "description": "Everything, and a dedicated architect.",
    }
    data.update(overrides)
    return data


def silver_edit(tiers, **overrides):
    silver = tiers["Silver"]
    data = {
        "name": silver.name,
        "rank": silver.rank,
        "min_won_value": silver.min_won_value,
        "min_won_deals": silver.min_won_deals,
        "protection_days": silver.protection_days,
        "discount_percent": silver.discount_percent,
        "qbr_cadence_months": silver.qbr_cadence_months,
        "description": silver.description,
    }
    data.update(overrides)
    return data


def test_it_lists_the_tiers_for_admins(client_for, alice, tiers):
    response = client_for(alice).get("/tiers/settings/")

    assert response.status_code == 200
    for name in ("Bronze", "Silver", "Gold"):
        assert name in response.content.decode()
    assert b"$250,000.00" in response.content


def test_it_creates_a_tier(client_for, alice, tiers):
    response = client_for(alice).post("/tiers/settings/new/", platinum())

    assert response.status_code == 302
    tier = Tier.objects.get(name="Platinum")
    assert (tier.rank, tier.min_won_value, tier.min_won_deals) == (4, Decimal("2000000"), 30)
    assert (tier.protection_days, tier.discount_percent, tier.qbr_cadence_months) == (
        240,
        Decimal("25"),
        1,
    )


def test_it_edits_a_tier(client_for, alice, tiers):
    response = client_for(alice).post(
        f"/tiers/settings/{tiers['Silver'].pk}/edit/",
        silver_edit(tiers, min_won_value="300000", protection_days="150"),
    )

    assert response.status_code == 302
    silver = Tier.objects.get(pk=tiers["Silver"].pk)
    assert (silver.min_won_value, silver.protection_days) == (Decimal("300000"), 150)


HOSTILE = [
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 61),
    ("name", "Plat\x00inum"),
    ("rank", ""),
    ("rank", "abc"),
    ("rank", "0"),
    ("rank", "-1"),
    ("rank", "101"),
    ("rank", "4.5"),
    ("rank", "9" * 40),
    ("rank", "1e400"),
    ("min_won_value", "NaN"),
    ("min_won_value", "Infinity"),
    ("min_won_value", "-1"),
    ("min_won_value", "1e400"),
    ("min_won_value", "1000000000000"),
    ("min_won_value", "2000000.001"),
    ("min_won_value", "<script>alert(1)</script>"),
    ("min_won_deals", "-1"),
    ("min_won_deals", "100001"),
    ("min_won_deals", "3.5"),
    ("protection_days", "0"),
    ("protection_days", "366"),
    ("discount_percent", "100.01"),
    ("discount_percent", "-0.01"),
    ("discount_percent", "NaN"),
    ("qbr_cadence_months", "0"),
    ("qbr_cadence_months", "13"),
    ("description", "x" * 2001),
]


@pytest.mark.parametrize("field,value", HOSTILE)
def test_it_refuses_hostile_and_out_of_bounds_values_with_form_errors(
    client_for, alice, tiers, field, value
):
    response = client_for(alice).post("/tiers/settings/new/", platinum(**{field: value}))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="error"' in response.content.decode()
    assert not Tier.objects.filter(rank=4).exists()


BOUNDARIES = [
    {"rank": "100"},
    {"min_won_value": "999999999999.99", "min_won_deals": "100000"},
    {"protection_days": "1", "discount_percent": "0", "qbr_cadence_months": "12"},
    {"protection_days": "365", "discount_percent": "100", "qbr_cadence_months": "1"},
    {"min_won_value": "1000000", "min_won_deals": "15"},  # equal to Gold: never decreasing, ok
    {"description": "x" * 2000, "name": "P" * 60},
]


@pytest.mark.parametrize("overrides", BOUNDARIES)
def test_it_accepts_values_at_the_bounds(client_for, alice, tiers, overrides):
    response = client_for(alice).post("/tiers/settings/new/", platinum(**overrides))

    assert response.status_code == 302, response.context["form"].errors


def test_it_refuses_a_rank_already_taken(client_for, alice, tiers):
    response = client_for(alice).post("/tiers/settings/new/", platinum(rank="3"))

    assert response.status_code == 400
    assert response.context["form"].errors["rank"] == ["Gold already has rank 3."]


def test_it_refuses_a_name_already_taken_whatever_the_case(client_for, alice, tiers):
    response = client_for(alice).post("/tiers/settings/new/", platinum(name="gOLD"))

    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_it_refuses_a_higher_tier_asking_less_than_a_lower_one(client_for, alice, tiers):
    response = client_for(alice).post(
        "/tiers/settings/new/", platinum(min_won_value="999999.99", min_won_deals="14")
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "Gold (rank 3) already requires" in errors["min_won_value"][0]
    assert "Gold (rank 3) already requires" in errors["min_won_deals"][0]


def test_it_refuses_a_lower_tier_asking_more_than_a_higher_one(client_for, alice, tiers):
    response = client_for(alice).post(
        f"/tiers/settings/{tiers['Silver'].pk}/edit/",
        silver_edit(tiers, min_won_value="1000000.01", min_won_deals="16"),
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "Gold (rank 3) requires only" in errors["min_won_value"][0]
    assert "min_won_deals" in errors
    assert Tier.objects.get(pk=tiers["Silver"].pk).min_won_value == Decimal("250000")


def test_it_checks_the_order_when_a_rank_moves(client_for, alice, tiers):
    # Bronze asks for nothing, so it cannot become the highest tier above Gold.
    bronze = tiers["Bronze"]
    response = client_for(alice).post(
        f"/tiers/settings/{bronze.pk}/edit/",
        {
            "name": "Bronze",
            "rank": "9",
            "min_won_value": "0",
            "min_won_deals": "0",
            "protection_days": "90",
            "discount_percent": "0",
            "qbr_cadence_months": "3",
        },
    )

    assert response.status_code == 400
    assert "Gold (rank 3)" in response.context["form"].errors["min_won_value"][0]


def test_it_refuses_to_delete_a_tier_in_use_and_says_where(client_for, alice, tiers):
    PartnerFactory(name="Initech", stage=Stage.GROWTH, tier=tiers["Silver"])
    c = client_for(alice)

    page = c.get(f"/tiers/settings/{tiers['Silver'].pk}/delete/")
    response = c.post(f"/tiers/settings/{tiers['Silver'].pk}/delete/")

    assert "1 partner is on this tier: Initech" in page.content.decode()
    assert response.status_code == 409
    assert "1 partner is on this tier: Initech" in response.content.decode()
    assert Tier.objects.filter(pk=tiers["Silver"].pk).exists()


def test_it_refuses_to_delete_a_tier_an_open_proposal_involves(client_for, alice, tiers):
    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Bronze"])
    TierProposalFactory(partner=partner, current_tier=tiers["Bronze"], proposed_tier=tiers["Gold"])

    response = client_for(alice).post(f"/tiers/settings/{tiers['Gold'].pk}/delete/")

    assert response.status_code == 409
    assert "1 open tier proposal involves it" in response.content.decode()
    assert Tier.objects.filter(pk=tiers["Gold"].pk).exists()


def test_it_deletes_an_unused_tier_and_history_keeps_its_name(client_for, alice, tiers):
    from apps.tiers.models import TierChange

    partner = PartnerFactory(stage=Stage.GROWTH, tier=tiers["Silver"])
    from django.utils import timezone

    change = TierChange.objects.create(
        partner=partner,
        from_tier=tiers["Gold"],
        to_tier=tiers["Silver"],
        from_tier_name="Gold",
        to_tier_name="Silver",
        direction="demotion",
        reason="test",
        at=timezone.now(),
    )

    response = client_for(alice).post(f"/tiers/settings/{tiers['Gold'].pk}/delete/")

    assert response.status_code == 302
    assert not Tier.objects.filter(name="Gold").exists()
    change = TierChange.objects.get(pk=change.pk)
    assert (change.from_tier, change.from_label) == (None, "Gold")


@pytest.mark.parametrize(
    "url",
    [
        "/tiers/settings/",
        "/tiers/settings/new/",
        "/tiers/settings/{silver}/edit/",
        "/tiers/settings/{silver}/delete/",
        "/tiers/exchange-rates/",
    ],
)
def test_it_forbids_managers_the_tier_configuration(client_for, bob, tiers, url):
    c = client_for(bob)
    url = url.format(silver=tiers["Silver"].pk)

    assert c.get(url).status_code == 403
    assert c.post(url, platinum()).status_code == 403
    assert Tier.objects.count() == 3
    assert Tier.objects.get(pk=tiers["Silver"].pk).min_won_value == Decimal("250000")


@pytest.mark.parametrize(
    "url", ["/tiers/settings/", "/tiers/settings/new/", "/tiers/settings/{silver}/delete/"]
)
def test_it_sends_partner_users_to_their_portal_and_anonymous_to_login(
    client_for, client, charlie, tiers, url
):
    url = url.format(silver=tiers["Silver"].pk)

    response = client_for(charlie).post(url, platinum())
    assert (response.status_code, response["Location"]) == (302, "/portal/")
    response = client.post(url, platinum())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Tier.objects.count() == 3


# --- exchange rates --------------------------------------------------------------------------


def test_it_adds_an_exchange_rate(client_for, alice, program):
    response = client_for(alice).post(
        "/tiers/exchange-rates/",
        {"currency": "eur", "rate_to_base": "1.0850", "effective_date": "2026-01-01"},
    )

    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate_to_base, rate.effective_date) == (
        "EUR",
        Decimal("1.085"),
        date(2026, 1, 1),
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("currency", "EURO"),
        ("currency", "E1R"),
        ("currency", "USD"),  # the base currency
        ("rate_to_base", "0"),
        ("rate_to_base", "-1"),
        ("rate_to_base", "NaN"),
        ("rate_to_base", "1e400"),
        ("rate_to_base", "0.000000001"),
        ("effective_date", "2026-02-30"),
        ("effective_date", "1899-01-01"),
        ("effective_date", "soon"),
    ],
)
def test_it_refuses_bad_exchange_rates(client_for, alice, program, field, value):
    data = {"currency": "EUR", "rate_to_base": "1.08", "effective_date": "2026-01-01"}
    data[field] = value

    response = client_for(alice).post("/tiers/exchange-rates/", data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ExchangeRate.objects.exists()


def test_it_refuses_a_second_rate_for_the_same_day(client_for, alice, program):
    ExchangeRateFactory(currency="EUR", effective_date=date(2026, 1, 1))

    response = client_for(alice).post(
        "/tiers/exchange-rates/",
        {"currency": "EUR", "rate_to_base": "1.2", "effective_date": "2026-01-01"},
    )

    assert response.status_code == 400
    assert "already" in response.context["form"].errors["effective_date"][0]


def test_it_edits_and_deletes_an_exchange_rate(client_for, alice, program):
    rate = ExchangeRateFactory(currency="GBP", rate_to_base=Decimal("1.2"))
    c = client_for(alice)

    response = c.post(
        f"/tiers/exchange-rates/{rate.pk}/edit/",
        {"currency": "GBP", "rate_to_base": "1.27", "effective_date": "2020-01-01"},
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get(pk=rate.pk).rate_to_base == Decimal("1.27")

    assert c.post(f"/tiers/exchange-rates/{rate.pk}/delete/").status_code == 302
    assert not ExchangeRate.objects.exists()


# --- Django admin ---------------------------------------------------------------------------------


def test_it_validates_tiers_in_django_admin_too(client_for, alice, tiers):
    alice.is_superuser = True
    alice.save()
    c = client_for(alice)

    for field, value in (("min_won_value", "NaN"), ("rank", "3"), ("min_won_deals", "1")):
        response = c.post("/admin/program/tier/add/", platinum(**{field: value}))

        assert response.status_code == 200  # the admin form again, with its errors
        assert field in response.context["adminform"].form.errors
    assert Tier.objects.count() == 3

    response = c.post("/admin/program/tier/add/", platinum())
    assert response.status_code == 302
    assert Tier.objects.filter(name="Platinum").exists()


def test_it_keeps_django_admin_from_deleting_a_tier_in_use(client_for, alice, tiers):
    alice.is_superuser = True
    alice.save()
    PartnerFactory(stage=Stage.GROWTH, tier=tiers["Gold"])

    response = client_for(alice).post(
        f"/admin/program/tier/{tiers['Gold'].pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Tier.objects.filter(pk=tiers["Gold"].pk).exists()


def test_it_lists_exchange_rates_in_django_admin(client_for, alice, program):
    alice.is_superuser = True
    alice.save()
    ExchangeRateFactory(currency="EUR")

    response = client_for(alice).get("/admin/program/exchangerate/")

    assert response.status_code == 200
    assert b"EUR" in response.content
