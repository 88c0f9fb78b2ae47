"""WCAG 2.1 AA, checked by machine: axe-core (node_modules, from package-lock.json) on every page
each role opens (tests/e2e/pages.py), failing on any serious or critical violation.

One logged-in browser context per role, each page in turn; the failure lists every violation
of every role's pages at once (role, page, rule, element), so one run shows all there is to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.security.conftest import acme, charlie, dave, globex, world  # noqa: F401 (fixtures)

from .pages import AREAS, pages_for, seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in the page: the serious and critical violations, each with the elements it names.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: tags, resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({rule: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def violations_on(page, url: str) -> list[dict]:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    # htmx's requests on load (the bell, lazy sections) settle first: what they show is checked.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if page.locator("#swagger-ui").count():
        # The API docs are drawn by Swagger UI after the load, from the schema it fetches: what
        # it draws is checked, not the empty page before it (which passed by timing alone).
        page.locator("#swagger-ui .information-container").wait_for()
        page.locator("#swagger-ui .opblock").first.wait_for()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_AA)


def test_no_page_of_any_role_has_a_serious_wcag_violation(
    browser,
    live_server,
    world,  # noqa: F811 (the security suite's fixture)
    alice,
    bob,
):
    """One test for every role: the world is seeded once (seeding is most of a role's time)."""
    assert AXE.exists(), "axe-core is missing: run `make npm` (package.json)"
    users = seed(world, manager=bob, admin=alice)
    found: list[str] = []
    errors: list[str] = []
    for role in AREAS:
        user = users[role]
        pages = pages_for(role, user, world)
        assert len(pages) >= 5, (role, pages)  # a role that opens nothing would pass unseen
        # axe is injected as an inline script, which the pages' Content-Security-Policy refuses.
        context = browser.new_context(locale="en-US", bypass_csp=True)
        page = context.new_page()
        page.on("pageerror", lambda exc, role=role: errors.append(f"{role}: {exc}"))
        if user is not None:
            login(page, live_server.url, user.username)
        for entry in pages:
            for v in violations_on(page, live_server.url + entry.url):
                found.append(
                    f"{role} {entry.name} {entry.url}: [{v['impact']}] {v['rule']} — {v['help']}"
                )
                found.extend(f"    {target}" for target in v["targets"])
        context.close()
        print(f"{role}: {len(pages)} pages checked")
    assert not found, "\n" + "\n".join(found)
    assert errors == [], errors
