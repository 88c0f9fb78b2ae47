"""Writes to the audit trail."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.core.clients import client_address

from .models import AuditEvent

# One statement: a new (kind, client, actor, hour) row, or one more on the existing one.
TALLY_UPSERT = """
    INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, outcome, detail,
                                  client_address, count, tally_key)
    VALUES (%s, %s, %s, 'tally', '', %s, %s::jsonb, %s::inet, 1, %s)
    ON CONFLICT (tally_key) DO UPDATE SET count = audit_auditevent.count + 1
"""


def _actor_of(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def refusal_record(
    *, request: HttpRequest, response: HttpResponse, view_name: str, object_id: str
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=_actor_of(request),
        action=request.method or "",
        object_type=view_name[:100],
        object_id=object_id[:64],
        outcome=AuditEvent.Outcome.REFUSED,
        detail={"status": response.status_code, "path": request.path[:300]},
        client_address=client_address(request) or None,
    )


def refusal_tally(
    *, request: HttpRequest, response: HttpResponse, kind: str, now: datetime | None = None
) -> None:
    """Counts one refusal of `kind` in its (kind, client, actor, hour) row: one statement, an
    upsert whose UPDATE adds one, so concurrent refusals count exactly and a flood of them
    writes one row an hour per client, not one per request. The row keeps the first path."""
    hour = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    client = client_address(request) or None
    actor = _actor_of(request)
    key = f"{kind}|{client or '-'}|{actor.pk if actor else '-'}|{hour:%Y-%m-%dT%H}"
    detail = {"status": response.status_code, "path": request.path[:300]}
    with connection.cursor() as cursor:
        cursor.execute(
            TALLY_UPSERT,
            [
                hour,
                actor.pk if actor else None,
                kind,
                AuditEvent.Outcome.REFUSED.value,
                json.dumps(detail),
                client,
                key,
            ],
        )
