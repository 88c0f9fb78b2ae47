"""An admin finds the claims set aside when customers became registrable domains, decides one,
and the partner whose protection ended reads why in the portal, without the other's name;
a partner who registers a customer it already holds is sent to its registration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.deals.models import DealRegistration, ProtectionDispute, Status
from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme(db):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH)


@pytest.fixture
def globex(db):
    return PartnerFactory(name="Globex Integrators", stage=Stage.GROWTH)


def test_an_admin_decides_a_dispute_and_the_partner_is_told(
    page, live_server, login, shot, console_errors, alice, charlie, acme, globex
):
    holder = RegistrationFactory(
        partner=globex, customer_name="Initech UK", customer_domain="initech.co.uk", approved=True
    )
    aside = RegistrationFactory(
        partner=acme,
        customer_name="Initech Shop",
        customer_domain="initech.co.uk",
        approved=True,
        duplicate_of=holder,
    )
    ProtectionDispute.objects.create(
        holder=holder, challenger=aside, customer_domain="initech.co.uk"
    )

    login(alice)
    page.goto(f"{live_server.url}/registrations/")
    page.get_by_role("link", name="1 protection dispute to decide").click()
    expect(page.get_by_role("heading", name="Protection disputes")).to_be_visible()
    row = page.locator("tr", has_text="initech.co.uk")
    expect(row).to_contain_text("Globex Integrators")
    expect(row).to_contain_text("Acme Resellers")
    shot("deals-disputes")
    row.get_by_role("button", name="Globex Integrators keeps it").click()
    expect(page.get_by_text("No disputes to decide")).to_be_visible()
    shot("deals-disputes-decided")
    assert DealRegistration.objects.get(pk=aside.pk).status == Status.EXPIRED

    page.get_by_role("button", name="Log out").click()
    login(charlie)
    page.goto(f"{live_server.url}/portal/registrations/{aside.pk}/")
    expect(page.get_by_text("Expired").first).to_be_visible()
    assert "Globex" not in page.content()


def test_a_partner_registering_a_customer_it_holds_is_sent_to_its_registration(
    page, live_server, login, shot, console_errors, charlie, acme
):
    mine = RegistrationFactory(
        partner=acme, customer_name="Initech", customer_domain="initech.com", submitted_by=charlie
    )
    login(charlie)
    page.goto(f"{live_server.url}/portal/register/")
    page.get_by_role("textbox", name="Customer", exact=True).fill("Initech Europe")
    page.get_by_label("Customer domain or website").fill("https://eu.shop.initech.com/contact")
    page.get_by_label("Customer's country").select_option("DE")
    page.get_by_label("Customer contact").fill("Bill Lumbergh")
    page.get_by_label("Contact's e-mail address").fill("bill@initech.com")
    page.get_by_label("Product or solution").fill("Analytics suite")
    page.get_by_label("Estimated deal value").fill("50000")
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Expected to close on").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Submit registration").click()
    expect(
        page.get_by_text("Your company already has an open registration of initech.com.")
    ).to_be_visible()
    shot("portal-duplicate-registration")
    # The refused form answers 409, which Chromium reports as a failed load: expected, once.
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]
    console_errors.clear()
    page.get_by_role("link", name="Open your registration of this customer").click()
    expect(page).to_have_url(f"{live_server.url}/portal/registrations/{mine.pk}/")
    assert DealRegistration.objects.count() == 1
