from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

# Everything the pages need is served from this origin; htmx sets inline styles for swaps.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if getattr(settings, "SESSION_COOKIE_SECURE", False):
            response.headers.setdefault("Cache-Control", "private")
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (a restart, a failover), answer 503 with Retry-After
    instead of a 500: the request did nothing, and trying again shortly will work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse, JsonResponse
        from django.shortcuts import render

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not (_connection_lost(exception) or _database_down()):
            return None  # a real error (a lock timeout, a bad query): let it surface
        response: HttpResponse
        unknown = _lost_while_committing(exception)
        if request.path.startswith("/api/"):
            if unknown:
                body = {
                    "detail": _(
                        "The database went away while saving: the change may have been made. "
                        "Look before trying again."
                    ),
                    "code": "outcome_unknown",
                }
            else:
                body = {
                    "detail": _("The database is briefly unavailable. Try again in a moment."),
                    "code": "database_unavailable",
                }
            response = JsonResponse(body, status=503)
        else:
            response = render(request, "503.html", {"outcome_unknown": unknown}, status=503)
        response["Retry-After"] = "5"
        return response


# SQLSTATEs of a lost or refused connection: class 08, and the server shutting down or starting.
_CONNECTION_STATES = ("57P01", "57P02", "57P03")


def _connection_lost(exception) -> bool:
    """The request failed because its connection went away (a restart in progress or just
    finished), not because of what it asked: the drill saw such requests answer 500 when the
    server was already back by the time `_database_down` looked. psycopg gives no SQLSTATE for a
    connection the client lost; an error the server reports about the query has one."""
    if isinstance(exception, InterfaceError):
        return True
    cause = exception.__cause__  # the driver's error, which Django wraps
    if cause is None:
        return False
    state = getattr(cause, "sqlstate", None)
    return state is None or state.startswith("08") or state in _CONNECTION_STATES


def _lost_while_committing(exception) -> bool:
    """The connection went away during COMMIT: the server may have committed before it went, so
    the client cannot say the request did nothing (the restart drill saw one such answer). Every
    other failure happened before the commit, and the transaction rolled back."""
    tb = exception.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_commit" and "django/db/backends" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _database_down() -> bool:
    from django.db import connection

    try:
        connection.close()
        connection.ensure_connection()
    except Exception:
        return True
    return False
