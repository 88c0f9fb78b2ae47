"""The portal on a phone (375 × 812 CSS px): every portal page (tests/e2e/pages.py) without
horizontal scrolling, with tap targets a finger hits, and the navigation behind a menu button.

A list table fits too: no table in the content is wider than its card, and none scrolls sideways
inside it (a table with the `stack` class turns each row into a block whose cells name their
column, static/css/app.css).

Tap targets (WCAG 2.5.5's 44 × 44 px, with the exceptions WCAG 2.5.5 and 2.5.8 make): a link,
button or field is at least 44 px in both directions, or it is a link within a sentence (its
size is the line's: "Inline"), or it is spaced so that a 44 px circle centred on it touches no
other target nor another small target's circle ("Spacing", 2.5.8's rule at 44 px). A checkbox
or radio counts with its label, which takes the tap too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.partners.models import Stage
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, PartnerFactory, PartnerUserFactory
from tests.security.conftest import acme, charlie, dave, globex, world  # noqa: F401 (fixtures)

from .pages import pages_for, seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
PORTAL_ROLES = ("partner-admin", "partner-member", "partner-finance")
TAP = 44

# Runs in the page: the targets that are too small, each with its size and text.
SMALL_TARGETS = """(tap) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"])';
  const shown = el => {
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== "hidden"
      && !el.closest("[hidden], [aria-hidden=true]");
  };
  const box = el => {
    const label = (el.type === "checkbox" || el.type === "radio") && el.closest("label");
    return (label || el).getBoundingClientRect();
  };
  const inSentence = el => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    return [...el.parentElement.childNodes].some(node =>
      node !== el && node.nodeType === Node.TEXT_NODE && /[A-Za-z0-9]{2}/.test(node.textContent));
  };
  const targets = [...document.querySelectorAll(selector)].filter(shown)
    .map(el => ({el, r: box(el)}));
  const small = targets.filter(t =>
    (t.r.width < tap - 0.5 || t.r.height < tap - 0.5) && !inSentence(t.el));
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const touches = (c, r) => {  // does the circle around c reach rectangle r?
    const dx = Math.max(r.left - c[0], 0, c[0] - r.right);
    const dy = Math.max(r.top - c[1], 0, c[1] - r.bottom);
    return dx * dx + dy * dy < (tap / 2) * (tap / 2);
  };
  return small.filter(t => {
    const c = centre(t.r);
    return targets.some(o => o.el !== t.el && !o.el.contains(t.el) && !t.el.contains(o.el)
      && (touches(c, o.r) || (small.includes(o)
          && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < tap)));
  }).map(t => `${t.el.tagName.toLowerCase()} "${(t.el.innerText || t.el.value
    || t.el.getAttribute("aria-label") || t.el.name || "").trim().slice(0, 40)}" `
    + `${Math.round(t.r.width)}×${Math.round(t.r.height)}`);
}"""


# Runs in the page: the tables in <main> that do not fit the phone, each with what is too wide.
# A table fits when it is no wider than the box it sits in (its card, else <main>) and nothing
# between the two, the table included, scrolls sideways.
WIDE_TABLES = """() => {
  const name = t => t.id ? `#${t.id}` : `"${[...t.querySelectorAll("th")].slice(0, 2)
    .map(th => th.innerText.trim()).join(" | ").slice(0, 50)}"`;
  const scrolls = el => el.scrollWidth > el.clientWidth + 1;
  return [...document.querySelectorAll("main table")]
    .filter(t => t.getClientRects().length > 0 && !t.closest("[hidden]"))
    .flatMap(t => {
      const box = t.parentElement.closest(".card, main");
      const inner = box.getBoundingClientRect();
      const style = getComputedStyle(box);
      const right = inner.right - parseFloat(style.borderRightWidth);
      const found = [];
      const edge = t.getBoundingClientRect().right;
      if (edge > right + 1) found.push(`${Math.round(edge - right)}px wider than its box`);
      for (let el = t; el && el !== box; el = el.parentElement) {
        if (scrolls(el)) {
          found.push(`scrolls sideways in <${el.tagName.toLowerCase()}${el.className
            ? "." + el.className.trim().split(/\\s+/).join(".") : ""}> `
            + `(${el.scrollWidth}px in ${el.clientWidth}px)`);
        }
      }
      if (scrolls(box)) found.push(`its box scrolls sideways (${box.scrollWidth}px in ${box.clientWidth}px)`);
      return found.map(f => `table ${name(t)}: ${f}`);
    });
}"""


# Tables that still scroll sideways on a phone, in templates outside the portal's own (shared with
# the manager's pages or not yet given the `stack` class): each must still be too wide, so an
# entry goes when its table is fixed (class="stack" and a data-label on each cell).
# {page: (template, how the failure names the table)}
KNOWN_WIDE: dict[str, tuple[str, str]] = {}


def phone_context(browser, live_server, username: str):
    context = browser.new_context(viewport=PHONE, locale="en-US", has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    return context, page


def test_every_portal_page_fits_a_phone_with_tap_targets_a_finger_hits(
    browser,
    live_server,
    world,  # noqa: F811 (the security suite's fixture)
    alice,
    bob,
):
    users = seed(world, manager=bob, admin=alice)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    seen: set[str] = set()
    for role in PORTAL_ROLES:
        pages = [p for p in pages_for(role, users[role], world) if p.name not in seen]
        seen.update(p.name for p in pages)
        context, page = phone_context(browser, live_server, users[role].username)
        for entry in pages:
            page.goto(live_server.url + entry.url, wait_until="networkidle")
            page.screenshot(
                path=str(SCREENSHOTS / f"phone-{entry.name.replace(':', '-')}.png"), full_page=True
            )
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{entry.name} {entry.url}: {width}px wide, scrolls sideways")
            wide = page.evaluate(WIDE_TABLES)
            if entry.name in KNOWN_WIDE:
                marker = KNOWN_WIDE[entry.name][1]
                if not any(marker in w for w in wide):
                    problems.append(f"{entry.name}: {marker} fits now, drop it from KNOWN_WIDE")
                wide = [w for w in wide if marker not in w]
            problems.extend(f"{entry.name} {entry.url}: {table}" for table in wide)
            # A stacked cell shows its column's name beside it: never an empty one.
            unlabelled = page.evaluate(
                "() => document.querySelectorAll('main table.stack td[data-label=\"\"]').length"
            )
            if unlabelled:
                problems.append(f"{entry.name} {entry.url}: {unlabelled} cells with no label")
            for target in page.evaluate(SMALL_TARGETS, TAP):
                problems.append(f"{entry.name} {entry.url}: small tap target {target}")
        context.close()
    assert len(seen) >= 20, sorted(seen)  # the portal's pages, not a login page
    assert not problems, "\n" + "\n".join(problems)


def test_the_portal_navigation_folds_into_a_menu_on_a_phone(browser, live_server, db):
    partner = PartnerFactory(name="Initech Resellers", stage=Stage.GROWTH)
    context, page = phone_context(
        browser, live_server, PartnerUserFactory(partner=partner).username
    )
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()  # folded: the page starts with its content
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=str(SCREENSHOTS / "phone-menu-closed.png"))

    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="My registrations")).to_be_visible()
    box = nav.get_by_role("link", name="My registrations").bounding_box()
    assert box is not None and box["height"] >= TAP and box["width"] >= TAP
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / "phone-menu-open.png"), full_page=True)

    nav.get_by_role("link", name="My registrations").tap()
    expect(page.get_by_role("heading", name="My registrations")).to_be_visible()
    expect(nav).to_be_hidden()  # a new page starts folded again

    # Escape folds the menu and gives the focus back to its button.
    menu.tap()
    expect(nav).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()

    # On a wide screen the bar shows in full and the button is not there.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(nav).to_be_visible()
    expect(menu).to_be_hidden()
    context.close()
