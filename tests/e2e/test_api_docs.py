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
    # One closed section per resource; opening one lists its operations.
    tags = page.locator(".opblock-tag")
    expect(tags.nth(20)).to_be_attached()
    page.locator("#operations-tag-partners").click()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/partners/").first
    ).to_be_visible()
    assert page.locator(".opblock").count() > 5
    page.wait_for_load_state("networkidle")
    shot("api-docs")
    assert elsewhere == []
    assert csp_violations == []


def test_the_api_docs_group_operations_by_resource_and_show_examples(
    page, live_server, console_errors
):
    page.goto(f"{live_server.url}/api/v1/docs/")
    # One section per resource (the schema's tags), each with its operations (a schema of this
    # size renders progressively).
    sections = page.locator(".opblock-tag-section")
    expect(sections.first).to_be_visible()
    tags = [t.strip() for t in page.locator(".opblock-tag").all_inner_texts()]
    for resource in ("auth", "deal-registrations", "partners", "qbrs", "tier-proposals"):
        assert any(t.startswith(resource) for t in tags), (resource, tags)
    page.locator("#operations-tag-deal-registrations").click()  # sections start closed
    deals = sections.filter(has=page.locator("#operations-tag-deal-registrations"))
    # Each transition is an operation of its own, under its resource, with its summary.
    approve = deals.locator(".opblock", has_text="/transitions/approve/")
    expect(approve).to_have_count(1)
    expect(approve.locator(".opblock-summary-description")).to_have_text(
        "Approve a deal registration"
    )
    # Opening "Register a deal" shows its request and answer examples.
    register = deals.locator(".opblock-post", has_text="Register a deal").first
    register.locator(".opblock-summary").click()
    body = register.locator(".opblock-section-request-body")
    expect(body).to_contain_text("Acme Logistics GmbH")
    expect(body).to_contain_text("A partner registers a deal")
    expect(register.locator(".responses-wrapper")).to_contain_text("acme-logistics.de")
