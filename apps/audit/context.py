"""The request being served, so a state change deep in a service knows who asked for it."""

from __future__ import annotations

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_actor():
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None
