"""Partner reach (DESIGN.md section 17): countries served, specializations, the locator opt-in —
managers edit them on the form and the API; the partner admin proposes and opts in."""

from __future__ import annotations

import pytest

from apps.core.errors import InvalidInput, NotPermitted
from apps.partners.services import (
    clean_countries,
    clean_specializations,
    partner_decide_reach,
    partner_propose_reach,
    partner_set_listed,
)
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db


def test_countries_are_upper_cased_deduplicated_and_checked():
    assert clean_countries(["de", " AT", "DE", ""]) == ["DE", "AT"]
    with pytest.raises(InvalidInput) as exc:
        clean_countries(["DE", "XX"])
    assert "XX" in exc.value.errors["countries"][0]


def test_specializations_are_trimmed_and_deduplicated_case_insensitively():
    assert clean_specializations(["  Cloud   migration", "cloud migration", "Security"]) == [
        "Cloud migration",
        "Security",
    ]
    with pytest.raises(InvalidInput):
        clean_specializations(["x" * 61])
    with pytest.raises(InvalidInput):
        clean_specializations(["bad\x00"])


def test_manager_edits_reach_on_the_partner_form(client_for, bob, acme):
    response = client_for(bob).post(
        f"/partners/{acme.pk}/edit/",
        {
            "name": acme.name,
            "partner_type": acme.partner_type_id,
            "countries": "de, at",
            "specializations": "Security, security, Cloud",
            "listed_in_locator": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    acme.refresh_from_db()
    assert acme.countries == ["DE", "AT"]
    assert acme.specializations == ["Security", "Cloud"]
    assert acme.listed_in_locator is True


def test_the_form_shows_a_bad_country_next_to_the_field(client_for, bob, acme):
    response = client_for(bob).post(
        f"/partners/{acme.pk}/edit/",
        {"name": acme.name, "partner_type": acme.partner_type_id, "countries": "DE, ZZ"},
    )
    assert response.status_code == 400
    assert "ZZ is not an ISO 3166-1 country code" in response.content.decode()


def test_manager_edits_reach_by_api(api_for, bob, acme):
    response = api_for(bob).patch(
        f"/api/v1/partners/{acme.pk}/",
        {"countries": ["fr", "BE"], "specializations": ["Data"], "listed_in_locator": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["countries"] == ["FR", "BE"]
    bad = api_for(bob).patch(f"/api/v1/partners/{acme.pk}/", {"countries": ["QQ"]}, format="json")
    assert bad.status_code == 400
    assert "countries" in bad.json()


def test_partner_admin_proposes_and_the_manager_applies(charlie, bob, acme):
    partner_propose_reach(
        partner=acme, actor=charlie, countries=["de"], specializations=["Security"]
    )
    acme.refresh_from_db()
    assert acme.countries == [] and acme.proposed_countries == ["DE"]
    partner_decide_reach(partner=acme, actor=bob, apply=True)
    acme.refresh_from_db()
    assert acme.countries == ["DE"] and acme.specializations == ["Security"]
    assert acme.proposed_countries is None and acme.reach_proposed_at is None
    with pytest.raises(InvalidInput):
        partner_decide_reach(partner=acme, actor=bob, apply=True)


def test_a_dismissed_proposal_changes_nothing(charlie, bob, acme):
    partner_propose_reach(partner=acme, actor=charlie, countries=["FR"], specializations=[])
    partner_decide_reach(partner=acme, actor=bob, apply=False)
    acme.refresh_from_db()
    assert acme.countries == [] and acme.proposed_countries is None


def test_only_the_partner_admin_proposes_or_opts_in(acme, globex, dave, bob):
    member = PartnerUserFactory(partner=acme, partner_role="member")
    with pytest.raises(NotPermitted):
        partner_propose_reach(partner=acme, actor=member, countries=["DE"], specializations=[])
    with pytest.raises(NotPermitted):
        partner_propose_reach(partner=acme, actor=dave, countries=["DE"], specializations=[])
    with pytest.raises(NotPermitted):
        partner_set_listed(partner=acme, actor=member, listed=True)
    with pytest.raises(NotPermitted):
        partner_propose_reach(partner=acme, actor=bob, countries=["DE"], specializations=[])


def test_partner_admin_opts_in_at_once(charlie, acme):
    partner_set_listed(partner=acme, actor=charlie, listed=True)
    acme.refresh_from_db()
    assert acme.listed_in_locator is True
