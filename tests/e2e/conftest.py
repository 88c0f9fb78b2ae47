"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The journeys find things by their English labels, and PartnerOS now follows the browser's
    # Accept-Language (it speaks German too): the browser asks for English whatever the
    # machine's locale.
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture(autouse=True)
def _no_browser_left_open(browser):
    """A browser context left open keeps its pages alive after the test: a signed-in page polls
    the notification bell every 30 s, the live server answers with the login page once the
    test's data is gone, and Django's test client, which records every template rendered in the
    process, once read that login form as another test's response (a CI failure in
    tests/tiers/test_config.py). A second person's browser is `other_page`, which closes."""
    yield
    left = list(browser.contexts)
    for context in left:
        context.close()
    assert not left, f"{len(left)} browser context(s) left open: use other_page"


@pytest.fixture
def other_page(browser, browser_context_args):
    """A second person's browser (its own cookies), closed after the test."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


@pytest.fixture
def console_errors(page):
    """Collects console errors and page errors; the test fails if any appeared."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield errors
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def shot(page):
    """shot(name): a full-page screenshot under var/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server, console_errors):
    """login(user) logs in through the real form, as a person would."""
    from tests.factories import PASSWORD

    def do(user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")

    return do
