"""A partner user chooses a time zone and a language on the Preferences page, and reads the
registration's moments in them; pages' dates and amounts come from the formatting layer."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory
from tests.qbrs.factories import QBRFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOMENT = datetime(2026, 12, 4, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


@pytest.fixture
def registrations(acme, bob, settings):
    settings.TIME_ZONE = "UTC"
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH, manager=bob)
    RegistrationFactory(partner=acme, approved=True, customer_name="Fabrikam Inc")
    QBRFactory(partner=acme, scheduled_for=timezone.now() + timedelta(days=9))
    return RegistrationFactory(partner=acme, customer_name="Tailspin Inc", submitted_at=MOMENT)


def test_a_partner_user_reads_moments_in_the_zone_they_chose(
    page, live_server, login, shot, charlie, registrations
):
    login(charlie)
    page.goto(f"{live_server.url}/portal/registrations/{registrations.pk}/")
    expect(page.get_by_text("Dec 4, 2026, 11:30\u202fPM")).to_be_visible()
    page.get_by_role("link", name="Preferences").click()
    expect(page.get_by_role("heading", name="Preferences")).to_be_visible()
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your time zone is saved.")).to_be_visible()
    shot("preferences")
    page.goto(f"{live_server.url}/portal/registrations/{registrations.pk}/")
    expect(page.get_by_text("Dec 5, 2026, 8:30\u202fAM")).to_be_visible()
    shot("portal-registration-tokyo")
    page.goto(f"{live_server.url}/portal/registrations/")
    shot("portal-registrations-en")
    page.goto(f"{live_server.url}/accounts/language/")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{live_server.url}/portal/registrations/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    shot("portal-registrations-de")
    page.goto(f"{live_server.url}/portal/registrations/{registrations.pk}/")
    expect(page.get_by_text("05.12.2026, 08:30")).to_be_visible()
    shot("portal-registration-de")
    page.goto(f"{live_server.url}/portal/")
    shot("portal-home-de")


def test_a_manager_reads_the_layer_s_dates_and_money(
    page, live_server, login, shot, bob, registrations
):
    login(bob)
    page.goto(f"{live_server.url}/registrations/")
    expect(page.get_by_text("$25,000.00").first).to_be_visible()
    shot("manager-queue")
    page.goto(f"{live_server.url}/registrations/{registrations.pk}/")
    expect(page.get_by_text("Dec 4, 2026, 11:30\u202fPM").first).to_be_visible()
    shot("manager-registration")
    page.goto(f"{live_server.url}/qbrs/")
    shot("manager-qbrs")
