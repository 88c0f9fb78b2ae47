"""The public partner locator: a partner admin opts in and words the listing; a visitor finds
the partner by country and specialization and contacts them; the lead reaches that partner's
inbox in the portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.accounts.models import PartnerRole
from apps.leads.models import Lead
from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory, TierFactory
from tests.locator.factories import ListingFactory, png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_visitor_finds_a_partner_and_contacts_them(
    page, live_server, login, shot, media, tmp_path
):
    gold, silver = TierFactory(name="Gold", rank=3), TierFactory(name="Silver", rank=2)
    alpine = PartnerFactory(
        name="Alpine Ski House", stage=Stage.GROWTH, tier=silver, countries=["AT", "CH"],
        specializations=["Hospitality", "Training"],
    )  # fmt: skip
    erin = PartnerUserFactory(username="erin", partner=alpine, partner_role=PartnerRole.ADMIN)
    ListingFactory(
        public_name="Woodgrove Systems", partner__tier=gold, partner__countries=["US", "CA"],
        partner__specializations=["Manufacturing", "IoT"],
        description="Embedded analytics for manufacturers, integrated with your shop floor.",
    )  # fmt: skip
    ListingFactory(
        public_name="Adventure Works Consulting", partner__tier=gold,
        partner__countries=["DE", "AT", "CH"], partner__specializations=["Retail"],
        description="Nationwide reseller for mid-sized retailers: roll-out in weeks.",
    )  # fmt: skip

    # The partner's admin opts in and words the listing, with a logo.
    login(erin)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Directory listing"
    ).click()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(96, "#ae3ec9"))
    page.get_by_label("List our company in the public partner directory").check()
    page.get_by_label("Name in the directory").fill("Alpine Ski House IT")
    page.get_by_label("Short description").fill(
        "Small team, quick answers: we set up, train and support hospitality businesses."
    )
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: your company is listed in the directory.")).to_be_visible()
    expect(page.get_by_role("heading", name="Alpine Ski House IT")).to_be_visible()
    shot("locator-portal-listing")
    page.get_by_role("button", name="Log out").click()

    # A visitor finds it by country and specialization.
    page.goto(f"{live_server.url}/partners/find/")
    expect(page.locator(".locator-card")).to_have_count(3)
    shot("locator-directory")
    page.get_by_label("Country").select_option(label="Austria")
    page.get_by_label("Specialization", exact=True).select_option(label="Hospitality")
    page.get_by_role("button", name="Search").click()
    cards = page.locator(".locator-card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Alpine Ski House IT")
    expect(cards).to_contain_text("Silver partner")
    shot("locator-directory-search")
    cards.get_by_role("link", name=re.compile("Contact this partner.*Alpine Ski House IT")).click()

    expect(page.get_by_role("heading", name="Contact Alpine Ski House IT")).to_be_visible()
    page.get_by_label("Your name").fill("Jana Weber")
    page.get_by_label("Company").fill("Bergbahnen Tirol AG")
    page.get_by_label("Your e-mail address").fill("jana.weber@bergbahnen-tirol.at")
    page.get_by_label("Country").select_option(label="Austria")
    page.get_by_label("What do you need?").fill("Booking system roll-out for 3 hotels by March.")
    shot("locator-contact")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Thank you: we received your request")).to_be_visible()
    shot("locator-thanks")

    lead = Lead.objects.get()
    assert lead.partner == alpine and lead.status == "assigned" and lead.source == "locator"
    assert lead.company == "Bergbahnen Tirol AG"

    # The lead reaches that partner's inbox.
    login(erin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    expect(page.get_by_role("heading", name="Lead inbox")).to_be_visible()
    expect(page.get_by_role("link", name="Bergbahnen Tirol AG")).to_be_visible()
    shot("locator-lead-in-partner-inbox")
