"""A partner manager ticks the countries a partner serves in a list of names (issue 23): finds
them with the filter box, by keyboard, sees what is ticked named above the list, and reads the
names in German once German is their language. Without JavaScript the list works as it is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.partners.models import Partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_picks_countries_by_name_with_the_filter_and_keyboard(
    page, live_server, login, shot, bob, acme
):
    Partner.objects.filter(pk=acme.pk).update(countries=["FR"])
    login(bob)
    page.goto(f"{live_server.url}/partners/{acme.pk}/edit/")
    group = page.get_by_role("group", name="Countries served")
    expect(group.get_by_role("checkbox", name="France")).to_be_checked()
    expect(group.get_by_text("Selected:")).to_be_visible()

    search = group.get_by_label("Find a country")
    search.fill("switz")
    expect(group.get_by_role("checkbox", name="Germany")).to_be_hidden()
    search.press("Enter")  # filters, does not send the form
    expect(page).to_have_url(f"{live_server.url}/partners/{acme.pk}/edit/")
    search.press("Tab")
    switzerland = group.get_by_role("checkbox", name="Switzerland")
    expect(switzerland).to_be_focused()
    page.keyboard.press("Space")
    expect(switzerland).to_be_checked()

    search.fill("DE")  # a code finds its country too
    group.get_by_role("checkbox", name="Germany").check()
    search.fill("zzz")
    expect(group.get_by_text("Nothing matches")).to_be_visible()
    search.fill("")
    expect(group.get_by_text("France, Germany, and Switzerland")).to_be_visible()
    shot("countries-picker-en")

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/partners/{acme.pk}/")
    acme.refresh_from_db()
    assert acme.countries == ["FR", "DE", "CH"]

    bob.language = "de"
    bob.save(update_fields=["language"])
    page.goto(f"{live_server.url}/partners/{acme.pk}/edit/")
    expect(page.get_by_role("checkbox", name="Deutschland")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Schweiz")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Österreich")).not_to_be_checked()
    page.get_by_role("checkbox", name="Deutschland").scroll_into_view_if_needed()
    shot("countries-picker-de")


def test_without_javascript_the_list_still_works(browser, live_server, bob, acme):
    from tests.factories import PASSWORD

    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(bob.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/partners/{acme.pk}/edit/")
    group = page.get_by_role("group", name="Countries served")
    expect(group.get_by_label("Find a country")).to_be_hidden()
    group.get_by_role("checkbox", name="Austria").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/partners/{acme.pk}/")
    acme.refresh_from_db()
    assert acme.countries == ["AT"]
    context.close()
