"""A manager filters the partners list and downloads what it shows with "Export CSV"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import PartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_exports_the_filtered_partners_list(page, live_server, login, shot, bob):
    PartnerFactory(name="Acme Resellers", stage="growth", manager=bob)
    PartnerFactory(name="Globex Integrators", stage="growth")
    PartnerFactory(name="Initech Partners", stage="onboarding", manager=bob)
    login(bob)

    page.goto(f"{live_server.url}/partners/")
    export = page.get_by_role("link", name="Export CSV")
    expect(export).to_be_visible()

    # Filtering swaps the table in place (htmx); the export link follows the filters.
    page.get_by_label("Stage").select_option("growth")
    expect(page.locator("#partner-table")).not_to_contain_text("Initech Partners")
    expect(export).to_have_attribute("href", "/exchange/partners.csv?stage=growth&sort=name")
    shot("exchange-partners-export")

    with page.expect_download() as info:
        export.click()
    download = info.value
    assert download.suggested_filename.startswith("partners-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert names == ["Acme Resellers", "Globex Integrators"]
