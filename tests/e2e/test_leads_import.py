"""A manager imports leads from a CSV: a file with a bad row is previewed with its error by line
and column and nothing is written; the fixed file is previewed, imported, and the leads are on
the board, the routed one with its partner."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.leads.models import Lead, Source, Status
from apps.partners.models import Stage
from tests.factories import PartnerFactory
from tests.leads.factories import RuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "company,domain,country,contact_name,contact_email,product,estimated_value,currency,route\n"
)
GOOD = (
    "Initech AG,https://www.initech.de/,DE,Peter Gibbons,peter@initech.de,Fleet Analytics,"
    "30000,EUR,yes\n"
    "Globodyne,globodyne.example,US,Hank Scorpio,hank@globodyne.example,Data platform,85000,USD,no\n"
)


def test_a_manager_previews_and_imports_leads(page, live_server, login, shot, bob, tmp_path):
    PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, countries=["DE"])
    RuleFactory(name="DACH", countries=["DE", "AT"])
    login(bob)

    bad = tmp_path / "leads-bad.csv"
    bad.write_text(HEADER + GOOD + "Oscorp,oscorp.example,XX,Norman,norman@oscorp.example,,,,\n")
    page.goto(f"{live_server.url}/exchange/")
    page.get_by_label("What the file holds").select_option("leads")
    page.get_by_label("CSV file").set_input_files(str(bad))
    shot("leads-import-upload")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_contain_text("1 row cannot be imported")
    expect(page.locator("#preview-rows")).to_contain_text("country:")
    shot("leads-import-preview-error")
    assert not Lead.objects.exists()

    good = tmp_path / "leads.csv"
    good.write_text(HEADER + GOOD)
    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("What the file holds").select_option("leads")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-ready")).to_contain_text("All 2 rows pass the checks.")
    shot("leads-import-preview")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported 2 leads.")).to_be_visible()
    page.goto(f"{live_server.url}/leads/?status=all")
    expect(page.get_by_role("link", name="Initech AG")).to_be_visible()
    expect(page.get_by_role("link", name="Globodyne")).to_be_visible()
    shot("leads-import-board")
    leads = {lead.company: lead for lead in Lead.objects.select_related("partner")}
    assert {lead.source for lead in leads.values()} == {Source.IMPORT}
    assert leads["Initech AG"].status == Status.ASSIGNED
    assert leads["Initech AG"].partner.name == "Acme Resellers"
    assert leads["Initech AG"].domain == "initech.de"
    assert leads["Globodyne"].status == Status.NEW


def test_an_admin_sets_the_lead_clock_on_the_settings_tab(page, live_server, login, shot, alice):
    from apps.leads.models import LeadSettings

    login(alice)
    page.goto(f"{live_server.url}/program/")
    page.get_by_role("link", name="Lead settings").click()
    page.get_by_label("Hours to accept").fill("48")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Lead settings saved.")).to_be_visible()
    page.get_by_role("link", name="Add a reason").click()
    page.get_by_label("Reason").fill("Outside our region")
    page.get_by_label("Offered to partners").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#reject-reasons")).to_contain_text("Outside our region")
    shot("leads-settings-tab")
    assert LeadSettings.get().acceptance_hours == 48
