"""The API docs render in a browser with nothing but this site reachable."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
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
    # The schema is generated on request: seconds on a busy machine.
    expect(page.get_by_role("heading", name="PartnerOS API")).to_be_visible(timeout=60_000)
    # One open section per resource, its operations listed.
    partners = page.locator("#operations-partners-partners_list")
    reveal(page, partners)
    expect(partners.locator(".opblock-summary-path")).to_have_text("/api/v1/partners/")
    assert page.locator(".opblock").count() > 5
    page.wait_for_load_state("networkidle")
    # The Authorize button's text, border and lock in one dark green: Swagger UI's #49cc90 is
    # 2:1 on white, under the 3:1 a control's graphics need (WCAG 1.4.11). axe does not check
    # an SVG's colour, so this does.
    button = page.locator(".btn.authorize").first
    dark_green = "rgb(4, 120, 87)"
    assert button.evaluate("e => getComputedStyle(e).color") == dark_green
    lock = button.locator("svg")  # drawn in currentColor
    assert lock.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fill]") == [
        dark_green,
        dark_green,
    ]
    shot("api-docs")
    assert elsewhere == []
    assert csp_violations == []


def test_the_api_docs_group_operations_by_resource_and_show_examples(
    page, live_server, console_errors
):
    page.goto(f"{live_server.url}/api/v1/docs/")
    # The schema is generated on request: seconds on a busy machine.
    expect(page.get_by_role("heading", name="PartnerOS API")).to_be_visible(timeout=60_000)
    # One section per resource (the schema's tags), each with its operations listed.
    tags, _ = seen_while_scrolling(page)
    for resource in ("auth", "deal-registrations", "partners", "qbrs", "tier-proposals"):
        assert resource in tags, (resource, tags)
    # Each transition is an operation of its own, under its resource, with its summary.
    approve = page.locator("#operations-deal-registrations-deal_registrations_approve")
    reveal(page, approve)
    expect(approve.locator(".opblock-summary-path")).to_contain_text("/transitions/approve/")
    expect(approve.locator(".opblock-summary-description")).to_have_text(
        "Approve a deal registration"
    )
    # Opening "Register a deal" shows its request and answer examples.
    register = page.locator("#operations-deal-registrations-deal_registrations_create")
    reveal(page, register)
    register.locator(".opblock-summary").click()
    body = register.locator(".opblock-section-request-body")
    expect(body).to_contain_text("Acme Logistics GmbH")
    expect(body).to_contain_text("A partner registers a deal")
    expect(register.locator(".responses-wrapper")).to_contain_text("acme-logistics.de")


def reveal(page, locator) -> None:
    """Scroll down until `locator` is rendered, then into view. Swagger UI renders the listed
    operations virtually (`.operations-virtual`): only those near the viewport are in the page,
    so an operation far down exists once the page is scrolled to it."""
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(300):
        if locator.count():
            try:  # the virtual list may re-render it while it scrolls: then look again
                locator.first.scroll_into_view_if_needed(timeout=2_000)
            except PlaywrightError:
                continue
            page.wait_for_timeout(200)
            if locator.count():
                return
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    raise AssertionError(f"never rendered while scrolling: {locator}")


def seen_while_scrolling(page) -> tuple[set[str], set[str]]:
    """(section tags, operation ids) rendered while scrolling from the top to the bottom."""
    tags: set[str] = set()
    operations: set[str] = set()
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(400):
        ids = page.evaluate(
            "[...document.querySelectorAll('.opblock-tag, .opblock')].map(e => e.id)"
        )
        tags |= {i.removeprefix("operations-tag-") for i in ids if i.startswith("operations-tag-")}
        operations |= {i for i in ids if i.startswith("operations-") and "-tag-" not in i}
        at_bottom = page.evaluate(
            "window.scrollY + window.innerHeight >= document.body.scrollHeight - 2"
        )
        if at_bottom:
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    return tags, operations


def test_every_section_renders_listed_and_operations_open(page, live_server, console_errors, shot):
    """Swagger UI lists every section's operations (docExpansion "list"), all of them — the
    list is virtual, rendered as it scrolls, which an earlier test read as a stall after two
    sections — and an operation of the agreements, leads and funds opens with its request
    body and answers rendered, with no console error."""
    from tests.api.conftest import openapi_document

    document = openapi_document()
    expected = {
        f"operations-{op['tags'][0]}-{op['operationId']}"
        for item in document["paths"].values()
        for op in item.values()
    }
    page.goto(f"{live_server.url}/api/v1/docs/")
    # The schema is generated on request: seconds on a busy machine.
    expect(page.get_by_role("heading", name="PartnerOS API")).to_be_visible(timeout=60_000)
    tags, operations = seen_while_scrolling(page)
    assert tags >= {op["tags"][0] for item in document["paths"].values() for op in item.values()}
    assert operations == expected, sorted(expected ^ operations)
    for operation_id in (
        "operations-agreements-agreements_sign",
        "operations-leads-leads_create",
        "operations-fund-requests-fund_requests_create",
    ):
        operation = page.locator(f"#{operation_id}")
        reveal(page, operation)
        operation.locator(".opblock-summary").click()
        expect(operation.locator(".opblock-section-request-body")).to_be_visible()
        expect(operation.locator(".responses-wrapper")).to_contain_text("400")
        shot(f"api-docs-{operation_id.removeprefix('operations-')}")
