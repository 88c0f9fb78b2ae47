"""The API docs render in a browser with nothing but this site reachable."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline_under_the_csp(page, live_server, console_errors, shot):
    here = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def only_this_site(route):
        if urlsplit(route.request.url).netloc == here:
            route.continue_()
        else:  # what a machine with no network would see
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_site)
    csp_violations: list[str] = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="PartnerOS API")).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 20
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/partners/").first
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot("api-docs")
    assert elsewhere == []
    assert csp_violations == []
