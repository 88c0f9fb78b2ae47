from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def broker_status() -> str:
    from partneros.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "unavailable"
    return "ok"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    body = {"database": database_status(), "broker": broker_status()}
    if settings.DEBUG:
        body["broker_url"] = settings.CELERY_BROKER_URL.split("@")[-1]
    return JsonResponse(body, status=200 if body["database"] == "ok" else 503)


class CsrfFailure(HttpResponseForbidden):
    """A refusal for a missing or stale CSRF token, told apart so the audit trail counts the
    anonymous ones rather than listing each."""


def csrf_failure(request, reason=""):
    return CsrfFailure(render_to_string("403_csrf.html", {"reason": reason}, request))
