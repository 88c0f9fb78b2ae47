"""Project-wide pytest setup: the Redis marker skips with a reason locally; in CI nothing skips."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PARTNEROS_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    # PostgreSQL always runs (DATABASE_URL or the embedded server); locally, only the tests
    # that need a real Redis (or Chromium, tests/e2e/conftest.py) may skip, saying why.
    if settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    for item in items:
        if item.get_closest_marker("redis"):
            item.add_marker(skip)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    # Under CI nothing may skip: a skipped test fails the run.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if CI and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; nothing may skip in CI.", red=True)
        session.exitstatus = 1
