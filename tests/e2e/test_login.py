from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.notifications.services import notify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_logs_in_and_reaches_the_main_app(page, live_server, login, shot, bob):
    notify(
        body="Details.",
        recipients=[bob],
        kind="test",
        subject="Welcome to PartnerOS",
        key="welcome",
    )
    login(bob)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    shot("login-manager-home")
    page.get_by_role("link", name="Notifications: 1 unread").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    shot("notifications")


def test_a_partner_user_logs_in_and_reaches_the_portal(page, live_server, login, shot, charlie):
    login(charlie)
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="Acme Resellers")).to_be_visible()
    shot("login-partner-portal")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/portal/")


def test_a_wrong_password_shows_an_error_next_to_the_form(page, live_server, login, bob):
    login(bob, password="wrong")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
