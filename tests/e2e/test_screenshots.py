"""Every page of every role, in English and in German, as a full-page screenshot to look at:
var/screenshots/all/<lang>/<role>/<page-name>.png (tests/e2e/pages.py lists the pages).

The signed-in users' own language (User.language) picks the language, the browser asks for the
same (the visitor who is not signed in has only the browser). On every German page a partner
opens, the words the pages write around the data (headings, column headings, labels, buttons,
badges, hints, empty states, a cell's own sentence, the names and hints of controls) must be
German: none may still carry a common English word of the portal's interface. The same check finds those words on the English pages, so it is not
looking at nothing.

One browser context per role and language; the world is seeded once.
"""

from __future__ import annotations

import time

import pytest

from apps.accounts.models import User
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD
from tests.security.conftest import acme, charlie, dave, globex, world  # noqa: F401 (fixtures)

from .pages import AREAS, pages_for, seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"en": "en-US", "de": "de-DE"}
# The partner's pages not checked for English: a notification is written once, in the language
# its recipient had when it was made, and the world's notifications are made before the users
# here choose German (docs/localisation.md, "Notifications and e-mails").
UNCHECKED = {"notifications:list"}
# English found on a German page outside the portal's templates, each still there (an entry goes
# when it is fixed): {page: (where, the English sentences it shows)}.
KNOWN_ENGLISH: dict[str, tuple[str, list[str]]] = {}
PARTNER_ROLES = ("partner-admin", "partner-member", "partner-finance")
OUT = SCREENSHOTS / "all"

# Words of the portal's interface that German never writes the English way. Not "Status",
# "Filter", "Team", "Partner", "Portal", "Lead", "QBR", "Onboarding", "Export", "Import",
# "Name", "Quiz", "Deal": German uses them as they are; not "Kind" (a German word).
ENGLISH = (
    "Save", "Cancel", "Delete", "Edit", "Back", "Search", "Submit", "Send", "Sign",
    "Close", "Open", "Registrations", "Register", "Agreements", "Agreement", "Customer",
    "Company", "Country", "Value", "Due", "Requested", "Approved", "Rejected", "Submitted",
    "Withdrawn", "Pending", "Active", "Expired", "Request", "Funds", "Claim", "Paid",
    "Earned", "Library", "Courses", "Course", "Certifications", "Resource", "Period",
    "Discount", "Rebate", "Tasks", "Settings", "Language", "Description", "Amount", "Date",
    "Previous", "Next", "All", "Preview", "Line", "Rows", "never", "yours", "passed",
)  # fmt: skip

# Runs in the page: the English words in the interface's own text within <main> (what the
# templates write around the data: headings, column headings, labels, legends, buttons,
# badges, and the accessible names and hints of controls), each with the text it is in.
ENGLISH_IN_MAIN = """(words) => {
  const main = document.querySelector("main");
  if (!main) return ["no <main>"];
  const word = new RegExp(`(?<![\\\\p{L}])(${words.join("|")})(?![\\\\p{L}])`, "iu");
  const shown = el => el.getClientRects().length > 0 && !el.closest("[hidden]");
  const texts = [];
  for (const el of main.querySelectorAll(
      "h1, h2, h3, th, label, legend, caption, summary, dt, button, .btn, .pill, .help, .empty")) {
    if (shown(el)) texts.push(el.innerText);
  }
  // A cell's own text (not its links' or notes'): the sentences a view writes beside the data.
  for (const td of main.querySelectorAll("td")) {
    if (!shown(td)) continue;
    texts.push([...td.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join(" "));
  }
  for (const el of main.querySelectorAll("[aria-label], [placeholder], [title]")) {
    for (const a of ["aria-label", "placeholder", "title"]) {
      if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
    }
  }
  // The security world's objects are named "Zqxmarker <English noun>": data, not the interface.
  return texts.map(t => t.replace(/Zqxmarker(\\s+\\w+){0,2}/g, "").replace(/\\s+/g, " ").trim())
    .filter(t => word.test(t))
    .map(t => `"${t.match(word)[1]}" in "${t.slice(0, 80)}"`);
}"""


def login(page, base: str, username: str) -> None:
    """test_accessibility's login, by the fields' names: the form speaks the browser's language."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def settle(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    # htmx's requests on load (the bell, lazy sections) settle first: the shot shows them.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_every_page_of_every_role_in_english_and_german(
    browser,
    live_server,
    world,  # noqa: F811 (the security suite's fixture)
    alice,
    bob,
):
    started = time.monotonic()
    users = seed(world, manager=bob, admin=alice)
    pages = {role: pages_for(role, users[role], world) for role in AREAS}
    print(f"seeded and listed in {time.monotonic() - started:.0f}s")
    english: dict[str, list[str]] = {}
    left: list[str] = []
    shots = 0
    for lang, locale in LANGUAGES.items():
        User.objects.filter(pk__in=[u.pk for u in users.values() if u]).update(language=lang)
        for role, user in users.items():
            folder = OUT / lang / role
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(locale=locale)
            page = context.new_page()
            if user is not None:
                login(page, live_server.url, user.username)
            for entry in pages[role]:
                settle(page, live_server.url + entry.url)
                page.screenshot(
                    path=str(folder / f"{entry.name.replace(':', '-')}.png"), full_page=True
                )
                shots += 1
                if role not in PARTNER_ROLES or entry.name in UNCHECKED:
                    continue
                found = page.evaluate(ENGLISH_IN_MAIN, list(ENGLISH))
                if lang == "en":
                    english[entry.name] = found
                    continue
                if entry.name in KNOWN_ENGLISH:
                    where, sentences = KNOWN_ENGLISH[entry.name]
                    known = [f for f in found if any(t[:40] in f for t in sentences)]
                    if not known:
                        left.append(f"{entry.name}: {where} is German now, drop it")
                    found = [f for f in found if f not in known]
                left.extend(f"{role} {entry.name} {entry.url}: {f}" for f in found)
            context.close()
            print(f"{lang} {role}: {len(pages[role])} pages, {time.monotonic() - started:.0f}s")
    print(f"{shots} screenshots in {time.monotonic() - started:.0f}s under {OUT}")
    # The check sees English where there is English: most English portal pages have such words.
    assert sum(1 for found in english.values() if found) >= len(english) // 2, english
    assert not left, "\n" + "\n".join(left)
