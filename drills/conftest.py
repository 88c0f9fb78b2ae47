"""Failure drills (`make drills`): real PostgreSQL, Redis and Celery processes. Not part of
`make test` (pyproject's testpaths); the fixtures of tests/conftest.py are reused."""

from __future__ import annotations

import os

import pytest

from tests.conftest import acme, alice, api_for, bob, charlie, client_for, dave, globex  # noqa: F401


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        for item in items:
            item.add_marker(pytest.mark.skip(reason="drills need DATABASE_URL on PostgreSQL"))


@pytest.fixture
def private_redis():
    from drills.servers import PrivateRedis

    server = PrivateRedis(int(os.environ.get("DRILL_REDIS_PORT", "6390")))
    server.start()
    try:
        yield server
    finally:
        server.cleanup()
