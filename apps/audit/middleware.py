"""Records refused accesses (401/403 anywhere, 404 on an object URL) in the audit trail, and
keeps the request at hand for the transition receiver. What anyone can produce without an
account at any rate — 401s, anonymous CSRF failures, throttled requests — is counted per client
and hour rather than written a row each, so the noise cannot flood the trail."""

from __future__ import annotations

import logging

from apps.core.views import CsrfFailure

from .context import current_request
from .services import refusal_record, refusal_tally

log = logging.getLogger(__name__)
OBJECT_KWARGS = ("pk", "task_pk", "request_pk")


def noise_kind(request, response) -> str | None:
    status = response.status_code
    if status == 401:
        return "unauthenticated"
    if status == 429:
        return "throttled"
    user = getattr(request, "user", None)
    anonymous = user is None or not user.is_authenticated
    if status == 403 and anonymous and isinstance(response, CsrfFailure):
        return "csrf"
    return None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        status = response.status_code
        match = getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match else {}
        on_object = any(k in kwargs for k in OBJECT_KWARGS)
        kind = noise_kind(request, response)
        if kind is None and not (status in (401, 403) or (status == 404 and on_object)):
            return response
        try:
            if kind is not None:
                refusal_tally(request=request, response=response, kind=kind)
            else:
                refusal_record(
                    request=request,
                    response=response,
                    view_name=match.view_name if match else "",
                    object_id=str(kwargs.get("pk", "")),
                )
        except Exception:  # the trail must never turn a refusal into a 500 (e.g. DB down)
            log.exception("Could not record a refused access in the audit trail.")
        return response
