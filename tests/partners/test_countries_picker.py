"""Countries served are ticked in a list of country names in the reader's language (issue 23):
the partner form, the routing rule form and the portal's reach proposal store the same ISO
codes as before, show the stored ones ticked, and refuse an unknown code next to the field."""

from __future__ import annotations

import re

import pytest

from apps.leads.models import RoutingRule

pytestmark = pytest.mark.django_db


def _ticked(page: str, name: str = "countries") -> set[str]:
    boxes = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', b).group(1) for b in boxes if " checked" in b}


def _label(page: str, code: str) -> str:
    match = re.search(
        rf'<label for="(id_countries_\d+)"><input[^>]*value="{code}"[^>]*>\s*([^<]+)</label>', page
    )
    assert match, f"no checkbox for {code}"
    return match.group(2).strip()


def _partner_post(partner, **over):
    return {"name": partner.name, "partner_type": partner.partner_type_id, **over}


def test_it_offers_country_names_in_the_managers_language(client_for, bob, acme):
    bob.language = "de"
    bob.save(update_fields=["language"])
    page = client_for(bob).get(f"/partners/{acme.pk}/edit/").content.decode()
    assert _label(page, "DE") == "Deutschland"
    assert _label(page, "AT") == "Österreich"
    assert "ISO country codes separated by commas" not in page
    # One group, named by its legend, with a filter box for the scripts to show.
    assert "<legend>Bediente Länder</legend>" in page
    assert 'type="search" id="id_countries_filter"' in page
    assert '<label for="id_countries_filter"' in page


def test_an_english_manager_reads_english_names(client_for, bob, acme):
    page = client_for(bob).get(f"/partners/{acme.pk}/edit/").content.decode()
    assert _label(page, "DE") == "Germany"
    assert _label(page, "CH") == "Switzerland"


def test_it_saves_the_ticked_codes_and_shows_them_ticked(client_for, bob, acme):
    bob.language = "de"
    bob.save(update_fields=["language"])
    client = client_for(bob)
    response = client.post(
        f"/partners/{acme.pk}/edit/", _partner_post(acme, countries=["DE", "AT", "CH"])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    acme.refresh_from_db()
    assert acme.countries == ["DE", "AT", "CH"]
    page = client.get(f"/partners/{acme.pk}/edit/").content.decode()
    assert _ticked(page) == {"DE", "AT", "CH"}
    # The line above the list names what is ticked, in German and as German lists are written.
    names = re.search(r"<span data-checklist-names>([^<]*)</span>", page).group(1)
    assert set(re.split(r", | und ", names)) == {"Deutschland", "Österreich", "Schweiz"}
    assert " und " in names


def test_an_existing_partners_codes_show_ticked(client_for, bob, acme):
    acme.countries = ["FR", "BE"]
    acme.save(update_fields=["countries"])
    page = client_for(bob).get(f"/partners/{acme.pk}/edit/").content.decode()
    assert _ticked(page) == {"FR", "BE"}
    assert "Selected:" in page
    names = re.search(r"<span data-checklist-names>([^<]*)</span>", page).group(1)
    assert names == "Belgium and France"


def test_an_unknown_code_is_refused_next_to_the_field(client_for, bob, acme):
    acme.countries = ["FR"]
    acme.save(update_fields=["countries"])
    response = client_for(bob).post(
        f"/partners/{acme.pk}/edit/", _partner_post(acme, countries=["DE", "XX"])
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<div class="error-list" id="id_countries_error">(.*?)</div>', page, re.S)
    assert error and "XX is not an ISO 3166-1 country code" in error.group(1)
    assert _ticked(page) == {"DE"}  # what was ticked stays ticked
    acme.refresh_from_db()
    assert acme.countries == ["FR"]


def test_a_new_partner_is_added_with_ticked_countries(client_for, bob, acme):
    response = client_for(bob).post(
        "/partners/new/",
        {"name": "Initech", "partner_type": acme.partner_type_id, "countries": ["NL", "BE"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from apps.partners.models import Partner

    assert Partner.objects.get(name="Initech").countries == ["NL", "BE"]


def test_the_routing_rule_form_offers_names_and_saves_codes(client_for, alice):
    alice.language = "de"
    alice.save(update_fields=["language"])
    client = client_for(alice)
    page = client.get("/leads/rules/new/").content.decode()
    assert _label(page, "DE") == "Deutschland"
    assert _label(page, "NL") == "Niederlande"
    response = client.post(
        "/leads/rules/new/",
        {"name": "DACH", "priority": "1", "countries": ["DE", "AT", "CH"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get(name="DACH")
    assert rule.countries == ["DE", "AT", "CH"]
    page = client.get(f"/leads/rules/{rule.pk}/").content.decode()
    assert _ticked(page) == {"DE", "AT", "CH"}


def test_the_routing_rule_form_refuses_an_unknown_code(client_for, alice):
    response = client_for(alice).post(
        "/leads/rules/new/",
        {"name": "Nowhere", "priority": "1", "countries": ["QQ"], "active": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<div class="error-list" id="id_countries_error">(.*?)</div>', page, re.S)
    assert error and "QQ is not an ISO 3166-1 country code" in error.group(1)
    assert not RoutingRule.objects.filter(name="Nowhere").exists()


def test_the_portal_reach_proposal_uses_the_same_picker(client_for, charlie, acme):
    charlie.language = "fr"
    charlie.save(update_fields=["language"])
    client = client_for(charlie)
    page = client.get("/portal/company/").content.decode()
    assert _label(page, "DE") == "Allemagne"
    assert client.post("/portal/company/", {"countries": ["DE", "FR"]}).status_code == 302
    acme.refresh_from_db()
    assert acme.proposed_countries == ["DE", "FR"]
