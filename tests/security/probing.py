"""Probing the product with hostile requests: each in a transaction rolled back afterwards, so
each starts from the same world; a view's failure is the finding, not the test's crash."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def send_or_error(call):
    """The response, or the exception the test client re-raised from a view (a 500)."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - any failure of the view is the finding
        return exc


def server_error(response) -> str | None:
    """What failed, if the answer is a server error (or the view raised)."""
    if isinstance(response, Exception):
        return f"{type(response).__name__}: {response}"[:300]
    return f"{response.status_code}" if response.status_code >= 500 else None
