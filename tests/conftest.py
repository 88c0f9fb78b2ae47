"""Named users for permission tests: alice (admin), bob (manager), charlie (partner user of
Acme), dave (partner user of Globex) — two different partner companies."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import AdminFactory, ManagerFactory, PartnerFactory, PartnerUserFactory

VACUUM_EVERY_SECONDS = 20.0
_vacuumed = {"at": time.monotonic(), "conn": None}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Between tests, every 20 s, VACUUM the test database: each test's rolled-back transaction
    leaves its rows behind as dead tuples, and with autovacuum off (as in CI's PostgreSQL) every
    table kept growing for the whole run, each scan reading all the rows ever written: the
    suite ran 16 tests a minute by the middle, 99 right after one VACUUM. Without truncating
    (that waits for locks, seconds a table) and skipping what a live server still holds: about
    70 ms. (It needs a superuser, as CI's and the embedded server's are; without one the suite
    runs as it did before.)"""
    if nextitem is None:
        _close_vacuum_connection()  # before pytest-django drops the test database
    yield
    if nextitem is None or time.monotonic() - _vacuumed["at"] < VACUUM_EVERY_SECONDS:
        return
    from django.db import connections

    params = connections["default"].get_connection_params()
    if not str(params.get("dbname", "")).startswith("test_"):
        return  # the test database is not set up (yet): nothing of ours to vacuum
    if _vacuumed["conn"] is None:
        import psycopg

        keep = ("host", "port", "user", "password", "dbname")
        _vacuumed["conn"] = psycopg.connect(
            **{k: v for k, v in params.items() if k in keep and v}, autocommit=True
        )
    conn = _vacuumed["conn"]
    if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        _vacuumed["at"] = float("inf")  # the planner's beliefs could not be put back: never
        return
    conn.execute("VACUUM (SKIP_LOCKED, TRUNCATE false)")
    # What the planner believes stays as it was without the VACUUM (row counts unknown, sized by
    # the files, no page known all-visible): a VACUUM between tests counts the tables empty, and
    # a partners table taken for empty sent a sweep's plan test through another index.
    conn.execute(
        "UPDATE pg_class SET reltuples = -1, relallvisible = 0"
        " WHERE relnamespace = 'public'::regnamespace"
    )
    _vacuumed["at"] = time.monotonic()


def _close_vacuum_connection() -> None:
    if _vacuumed["conn"] is not None:
        _vacuumed["conn"].close()
        _vacuumed["conn"] = None


@pytest.fixture(autouse=True)
def _default_program(request):
    """The program a fresh installation has (partner types, tiers, stages, playbooks), as its
    data migration seeds it. A transactional test's flush deletes those rows; this puts them
    back so no test depends on the order tests run in."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    transactional = (
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in names
        or "live_server" in names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    from apps.agreements.models import AgreementTemplate
    from apps.program.models import StageConfig

    if not StageConfig.objects.exists():
        import_module("apps.program.migrations.0002_default_program").seed(apps, None)
        import_module("apps.program.migrations.0005_default_completing_events").forwards(apps, None)
        import_module("apps.program.migrations.0006_rejection_reasons").seed(apps, None)
    if not AgreementTemplate.objects.exists():
        import_module("apps.agreements.migrations.0005_default_templates").create_templates(
            apps, None
        )


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request in German (the user's choice or its
    Accept-Language) leaves German active in the thread after it, as Django's LocaleMiddleware
    does (each real request activates its own)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Every test starts with no request counted against any rate (settings: in tests the
    throttle counters live in their own in-memory cache)."""
    from django.core.cache import caches

    caches["throttles"].clear()


@pytest.fixture
def rates(monkeypatch):
    """rates(scope="n/period", …): these named rates (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)
    for this test, the others as configured."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**scopes: str) -> None:
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **scopes}
        )

    return set_rates


@pytest.fixture
def acme(db):
    return PartnerFactory(name="Acme Resellers")


@pytest.fixture
def globex(db):
    return PartnerFactory(name="Globex Integrators")


@pytest.fixture
def alice(db):
    return AdminFactory(username="alice", first_name="Alice")


@pytest.fixture
def bob(db):
    return ManagerFactory(username="bob", first_name="Bob")


@pytest.fixture
def charlie(acme):
    return PartnerUserFactory(username="charlie", first_name="Charlie", partner=acme)


@pytest.fixture
def dave(globex):
    return PartnerUserFactory(username="dave", first_name="Dave", partner=globex)


@pytest.fixture
def client_for():
    """client_for(user) -> a logged-in django.test.Client."""

    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """api_for(user) -> an APIClient authenticated as the user (None: anonymous)."""

    def make(user=None) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored files (agreement documents, attachments) go to a directory of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
