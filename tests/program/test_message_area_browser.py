"""In the browser: an htmx action replaces the one message area, it never stacks banners."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.e2e.conftest import (  # noqa: F401 — the browser tests' fixtures (Debian's Chromium)
    browser_context_args,
    browser_type_launch_args,
    console_errors,
    shot,
)
from tests.factories import PASSWORD, PartnerFactory
from tests.tiers.factories import make_tiers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_htmx_actions_leave_one_message(page, live_server, console_errors, shot, bob):  # noqa: F811
    acme = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)
    reg = RegistrationFactory(partner=acme, customer_name="Initech LLC")
    page.goto(f"{live_server.url}/accounts/login/?next=/registrations/{reg.pk}/")
    page.get_by_label("Username").fill(bob.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Approve").click()
    area = page.locator("#messages")
    expect(area.locator(".msg")).to_have_count(1)
    expect(area).to_contain_text("Approved: the customer is protected")
    page.get_by_role("button", name="Mark won").click()
    expect(area).to_contain_text("Marked as won.")
    expect(area.locator(".msg")).to_have_count(1)
    expect(page.locator(".msg", has_text="Approved: the customer is protected")).to_have_count(0)
    expect(page.locator("#messages")).to_have_count(1)
    shot("forms-message-area-after-two-actions")


def test_the_settings_form_keeps_checkboxes_beside_their_labels(
    page,
    live_server,
    console_errors,  # noqa: F811
    shot,  # noqa: F811
    alice,
):
    make_tiers()  # thresholds in USD: no EUR rate converts them yet
    page.goto(f"{live_server.url}/accounts/login/?next=/program/")
    page.get_by_label("Username").fill(alice.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    box = page.get_by_label("Apply promotions without approval").bounding_box()
    label = page.get_by_text("Apply promotions without approval", exact=True).bounding_box()
    assert box and label
    # on one line, the label right after the box
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 6
    assert 0 <= label["x"] - (box["x"] + box["width"]) < 24
    shot("forms-program-settings")
    page.get_by_label("Currency of the program's figures").select_option("EUR")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", name="Change the base currency")).to_be_visible()
    expect(page.locator("#messages .msg")).to_have_count(1)
    expect(page.get_by_role("alert")).to_contain_text("figures would become meaningless")
    shot("forms-base-currency-refused")
    page.get_by_label("Exchange rate to convert at").fill("1.25")
    page.get_by_role("button", name="Show what the change does").click()
    expect(page.locator("#plan")).to_contain_text("1 EUR = 1.25 USD")
    shot("forms-base-currency-plan")
    page.get_by_role("button", name="Change to EUR and convert").click()
    expect(page.locator("#messages")).to_contain_text("The base currency is now EUR")
    page.goto(f"{live_server.url}/program/stages/")
    shot("forms-program-stages")
    page.goto(f"{live_server.url}/tiers/settings/new/")
    shot("forms-tier-form")
