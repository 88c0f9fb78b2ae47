"""What a user meets while the broker or the database is briefly gone."""

from __future__ import annotations

import json
import time

import psycopg
import pytest
from django.db import OperationalError
from django.test import RequestFactory

from apps.core import middleware
from apps.notifications import services

pytestmark = pytest.mark.django_db


def test_a_failed_nudge_stops_requests_waiting_on_the_broker(monkeypatch):
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(kwargs)
        raise ConnectionError("broker down")

    from apps.core import broker
    from apps.core.tasks import run_sweep

    monkeypatch.setattr(run_sweep, "apply_async", unreachable)
    monkeypatch.setattr(services, "_quiet_until", 0.0)
    monkeypatch.setattr(broker, "_down_until", 0.0)
    services._nudge_delivery()
    services._nudge_delivery()
    services._nudge_delivery()
    assert len(calls) == 1  # the next requests skip the broker for a while
    assert calls[0]["connect_timeout"] == 1
    assert broker._down_until - time.monotonic() > broker.BROKER_BACKOFF_SECONDS - 5
    monkeypatch.setattr(broker, "_down_until", 0.0)
    services._nudge_delivery()
    assert len(calls) == 2  # and try again once the back-off has passed


def test_one_nudge_covers_the_notifications_committed_before_it_runs(monkeypatch):
    """A busy process publishes one delayed nudge a second, not one per notification: the
    nudge runs after the window, so it finds every notification committed within it."""
    published = []
    from apps.core import broker
    from apps.core.tasks import run_sweep

    monkeypatch.setattr(run_sweep, "apply_async", lambda *a, **kw: published.append(kw))
    monkeypatch.setattr(services, "_quiet_until", 0.0)
    monkeypatch.setattr(broker, "_down_until", 0.0)
    for _ in range(5):
        services._nudge_delivery()
    assert len(published) == 1
    assert published[0]["countdown"] == services.NUDGE_COALESCE_SECONDS
    # Once the window has passed, the next notification publishes a new nudge.
    monkeypatch.setattr(services, "_quiet_until", time.monotonic() - 0.01)
    services._nudge_delivery()
    assert len(published) == 2


def _raise(request):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    "path, content_type",
    [("/api/v1/partners/", "application/json"), ("/partners/", "text/html; charset=utf-8")],
)
def test_a_database_outage_answers_503_with_retry_after(monkeypatch, path, content_type):
    monkeypatch.setattr(middleware, "_database_down", lambda: True)
    mw = middleware.DatabaseUnavailableMiddleware(_raise)
    request = RequestFactory().get(path)
    response = mw.process_exception(request, OperationalError("gone"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == content_type


def test_a_database_error_with_the_database_up_is_not_hidden(monkeypatch):
    monkeypatch.setattr(middleware, "_database_down", lambda: False)
    mw = middleware.DatabaseUnavailableMiddleware(_raise)
    assert mw.process_exception(RequestFactory().get("/"), OperationalError("lock timeout")) is None
    assert mw.process_exception(RequestFactory().get("/"), ValueError("other")) is None


@pytest.mark.django_db(transaction=True)
def test_the_real_database_is_seen_as_up():
    assert middleware._database_down() is False


class _ServerError(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(sqlstate):
    """An error as Django raises it: its OperationalError caused by the driver's."""
    error = OperationalError("wrapped")
    error.__cause__ = _ServerError(sqlstate) if sqlstate else ConnectionError("socket closed")
    return error


@pytest.mark.parametrize(
    "sqlstate, answer",
    [
        (None, 503),  # the client lost the server: no SQLSTATE
        ("57P01", 503),  # terminating connection due to administrator command
        ("08006", 503),  # connection failure
        ("55P03", None),  # a lock timeout is about the query: it surfaces
        ("40P01", None),  # a deadlock too
    ],
)
def test_a_connection_lost_mid_request_answers_503_even_once_the_server_is_back(
    monkeypatch, sqlstate, answer
):
    monkeypatch.setattr(middleware, "_database_down", lambda: False)  # back already
    mw = middleware.DatabaseUnavailableMiddleware(_raise)
    response = mw.process_exception(RequestFactory().post("/api/v1/x/"), _wrapped(sqlstate))
    assert (response.status_code if response else None) == answer


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_commit_answers_that_the_outcome_is_unknown(monkeypatch):
    """The server may have committed before the connection went: the answer must not say that
    nothing was done (the restart drill saw a 503 for a stored registration)."""
    from django.db import connection, transaction

    from apps.accounts.models import User

    def lost():
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError) as raised, transaction.atomic():
        User.objects.count()
        monkeypatch.setattr(connection.connection, "commit", lost)
    monkeypatch.undo()
    connection.close()
    monkeypatch.setattr(middleware, "_database_down", lambda: False)
    mw = middleware.DatabaseUnavailableMiddleware(_raise)
    response = mw.process_exception(RequestFactory().post("/api/v1/x/"), raised.value)
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "outcome_unknown"
    # Lost before the commit: the transaction rolled back, and the answer says so.
    response = mw.process_exception(RequestFactory().post("/api/v1/x/"), _wrapped(None))
    assert json.loads(response.content)["code"] == "database_unavailable"
