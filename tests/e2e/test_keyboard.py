"""The main flows without a mouse: a partner registers a deal, a manager approves it from the
review queue, a manager completes a QBR.

Only the keyboard moves: Tab and Shift+Tab to move the focus, Enter and Space to act, typing to
fill. The page is read (which element has the focus, what it says) but never clicked or filled
by the test. Every control reached shows a visible focus ring.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from apps.deals.models import DealRegistration
from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PASSWORD, PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IS_FOCUSED = "el => el === document.activeElement"
# The focus ring (WCAG 2.4.7): an outline of at least 2px, at 3:1 or more against the background
# around the element (1.4.11).
FOCUS_RING = """el => {
  const style = getComputedStyle(el);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) return false;
  const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let background = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
  }
  const [light, dark] = [lum(rgb(style.outlineColor)), lum(background)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05) >= 3;
}"""


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


def tab_to(page: Page, target: Locator, *, limit: int = 60, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until `target` has the focus; fails if it never gets it, or gets it
    without a visible focus ring."""
    expect(target).to_be_visible()
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if target.evaluate(IS_FOCUSED):
            assert target.evaluate(FOCUS_RING), f"no visible focus ring on {target}"
            return
    raise AssertionError(f"{target} is not reached by {'Shift+' if back else ''}Tab")


def keyboard_login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    username_field = page.get_by_label("Username")
    if not username_field.evaluate(IS_FOCUSED):  # autofocus, else Tab to it
        tab_to(page, username_field)
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def follow(page: Page, link: Locator) -> None:
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def test_the_skip_link_is_the_first_stop_and_leads_into_the_page(
    page, live_server, console_errors, charlie
):
    keyboard_login(page, live_server.url, charlie.username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown when focused, hidden otherwise
    assert skip.evaluate(FOCUS_RING)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The next stop is inside the main content, past the whole navigation.
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_a_partner_registers_a_deal_with_the_keyboard_only(
    page, live_server, console_errors, shot, charlie
):
    keyboard_login(page, live_server.url, charlie.username)
    follow(page, main_nav(page).get_by_role("link", name="Register a deal"))
    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()

    tab_to(page, page.get_by_role("textbox", name="Customer", exact=True))
    page.keyboard.type("Initech LLC")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Customer domain or website")).to_be_focused()
    page.keyboard.type("initech.com")
    expect(page.locator("#domain-hint")).to_contain_text("initech.com")  # read, not waited on
    tab_to(page, page.get_by_label("Customer's country"))
    page.keyboard.type("United States")  # a closed select picks the option typed
    expect(page.get_by_label("Customer's country")).to_have_value("US")
    for label, text in (
        ("Customer contact", "Bill Lumbergh"),
        ("Contact's e-mail address", "bill@initech.com"),
        ("Product or solution", "Analytics suite"),
        ("Estimated deal value", "120000"),
    ):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(text)
    tab_to(page, page.get_by_label("Currency"))
    page.keyboard.type("US Dollar")
    expect(page.get_by_label("Currency")).to_have_value("USD")
    close = timezone.localdate() + timedelta(days=45)
    tab_to(page, page.get_by_label("Expected to close on"))
    page.keyboard.type(close.strftime("%m%d%Y"))  # the en-US date field's segments
    expect(page.get_by_label("Expected to close on")).to_have_value(close.isoformat())
    tab_to(page, page.get_by_label("Description"))
    page.keyboard.type("Replacing their reporting stack.")
    shot("keyboard-1-partner-registers")
    tab_to(page, page.get_by_role("button", name="Submit registration"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("Initech LLC"))).to_be_visible()
    expect(page.get_by_text("Registration submitted")).to_be_visible()
    registration = DealRegistration.objects.get(customer_domain="initech.com")
    assert registration.partner == charlie.partner
    assert registration.status == "submitted"
    assert registration.expected_close_date == close


def test_a_manager_approves_from_the_review_queue_with_the_keyboard_only(
    page, live_server, console_errors, shot, bob, acme
):
    registration = RegistrationFactory(
        partner=acme, customer_name="Initech LLC", customer_domain="initech.com"
    )
    keyboard_login(page, live_server.url, bob.username)
    follow(page, main_nav(page).get_by_role("link", name="Registrations"))
    expect(page.get_by_role("heading", name="Deal registrations")).to_be_visible()
    follow(page, page.get_by_role("link", name="Initech LLC"))
    expect(page.get_by_role("heading", name=re.compile("Initech LLC"))).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Approve"))
    page.keyboard.press("Space")
    expect(page.locator("#registration .pill").first).to_have_text("Approved")
    shot("keyboard-2-manager-approved")
    registration.refresh_from_db()
    assert registration.status == "approved"
    # The swap replaced the button: the focus moved into the new content, not to the page's
    # start, so the next Tab continues from the registration.
    # after htmx settles the swap (a moment after the new content shows)
    page.wait_for_function(
        "() => document.getElementById('registration').contains(document.activeElement)",
        timeout=5000,
    )


def test_a_manager_completes_a_qbr_with_the_keyboard_only(
    page, live_server, console_errors, shot, bob, acme
):
    qbr = QBRFactory(partner=acme, scheduled_for=timezone.now() + timedelta(days=2))
    keyboard_login(page, live_server.url, bob.username)
    follow(page, main_nav(page).get_by_role("link", name="QBRs"))
    expect(page.get_by_role("heading", name="Quarterly business reviews")).to_be_visible()
    follow(page, page.get_by_role("link", name="Acme Resellers").first)
    expect(page.get_by_role("heading", name=f"QBR {qbr.quarter} · Acme Resellers")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Start QBR"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Complete with an outcome")).to_be_visible()
    page.wait_for_function("() => document.activeElement !== document.body")  # after the swap

    # The outcome radios are one stop: Tab into the group, arrows to choose.
    first = page.get_by_role("radio").first
    tab_to(page, first)
    expand = page.get_by_role("radio", name="Expand")
    for _ in range(5):
        if expand.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(expand).to_be_checked()
    tab_to(page, page.get_by_label("Satisfaction score (1–10)"))
    page.keyboard.type("8")
    expect(page.get_by_label("Satisfaction score (1–10)")).to_have_value("8")
    shot("keyboard-3-qbr-outcome")
    tab_to(page, page.get_by_role("button", name="Complete QBR"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Outcome: Expand")).to_be_visible()
    qbr.refresh_from_db()
    acme.refresh_from_db()
    assert qbr.status == "completed" and qbr.outcome == "expand"
    assert qbr.satisfaction_score == 8
    # after htmx settles the swap (a moment after the new content shows)
    page.wait_for_function(
        "() => document.getElementById('qbr-run').contains(document.activeElement)",
        timeout=5000,
    )
