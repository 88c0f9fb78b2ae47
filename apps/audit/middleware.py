"""Records refused accesses (401/403 anywhere, 404 on an object URL) in the audit trail, and
keeps the request at hand for the transition receiver."""

from __future__ import annotations

import logging

from .context import current_request
from .models import AuditEvent

log = logging.getLogger(__name__)
OBJECT_KWARGS = ("pk", "task_pk", "request_pk")


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
        if status in (401, 403) or (status == 404 and on_object):
            self._record(request, response, match, kwargs)
        return response

    def _record(self, request, response, match, kwargs) -> None:
        user = getattr(request, "user", None)
        try:
            AuditEvent.objects.create(
                actor=user if user is not None and user.is_authenticated else None,
                action=request.method,
                object_type=(match.view_name if match else "")[:100],
                object_id=str(kwargs.get("pk", ""))[:64],
                outcome=AuditEvent.Outcome.REFUSED,
                detail={"status": response.status_code, "path": request.path[:300]},
            )
        except Exception:  # the trail must never turn a refusal into a 500 (e.g. DB down)
            log.exception("Could not record a refused access in the audit trail.")
