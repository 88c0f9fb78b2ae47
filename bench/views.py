"""The framework's own ceiling on this machine: the full middleware stack and one indexed insert
into the same database, nothing else. Deal submission is reported as a ratio to it.

`api_insert` is the same insert behind what every API write here pays before any of its own
work (DRF's request parsing, token authentication, the user throttle, a JSON response): the
floor of an API write, reported beside the ceiling so the gap can be told apart.
Their table is made by bench.run when it seeds (TABLE_SQL there)."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.decorators import api_view
from rest_framework.response import Response


def _insert(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling (k) VALUES (%s) RETURNING id", [key[:64]])
        (row_id,) = cursor.fetchone()
    return row_id


@csrf_exempt
@require_POST
def ceiling_insert(request):
    return JsonResponse({"id": _insert(request.body[:64].decode())}, status=201)


@api_view(["POST"])
def api_insert(request):
    return Response({"id": _insert(str(request.data.get("k", "")))}, status=201)
