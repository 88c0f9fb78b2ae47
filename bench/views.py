"""The framework's own ceiling on this machine: the full middleware stack and one indexed insert
into the same database, nothing else. Deal submission is reported as a ratio to it."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE_SQL = [
    "CREATE TABLE IF NOT EXISTS bench_ceiling "
    "(id bigserial PRIMARY KEY, k varchar(64) NOT NULL, at timestamptz NOT NULL DEFAULT now())",
    "CREATE INDEX IF NOT EXISTS bench_ceiling_k ON bench_ceiling (k)",
]


@csrf_exempt
@require_POST
def ceiling_insert(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_ceiling (k) VALUES (%s) RETURNING id", [request.body[:64].decode()]
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
