"""An API write builds its answer inside its transaction and commits only then
(apps/core/api.py answered_before_commit): a connection lost after the commit can no longer
answer "nothing was done" for stored work. Real transactions here (transaction=True), so the
test sees what a running server does, not the test's own wrapping transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import JsonResponse
from django.urls import get_resolver

from apps.core.api import answered_before_commit
from apps.leads.models import RoutingRule
from apps.partners.models import Stage
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


class _Recorder:
    """Each statement the request runs, with whether a transaction was open around it."""

    def __init__(self):
        self.statements: list[tuple[str, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)


def _statements_of(call) -> list[tuple[str, bool]]:
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        response = call()
    assert response.status_code < 400, response.content
    return recorder.statements


def test_every_statement_of_an_api_write_runs_before_its_commit(api_for, alice, bob):
    """A create, an update, a transition and a delete: every statement, the reads that build the
    answer included, runs inside the request's one transaction."""
    admin, manager = api_for(alice), api_for(bob)
    partner = PartnerFactory(stage=Stage.GROWTH)
    rule = {"name": "DACH", "priority": 1, "countries": ["DE"], "active": True}
    created = _statements_of(lambda: admin.post("/api/v1/lead-routing-rules/", rule, format="json"))
    address = f"/api/v1/lead-routing-rules/{RoutingRule.objects.get().pk}/"
    writes = {
        "create": created,
        "update": _statements_of(lambda: admin.patch(address, {"priority": 2}, format="json")),
        "transition": _statements_of(
            lambda: manager.post(
                f"/api/v1/partners/{partner.pk}/transitions/start_evaluation/",
                {"note": "QBR"},
                format="json",
            )
        ),
        "delete": _statements_of(lambda: admin.delete(address)),
    }
    for name, statements in writes.items():
        assert statements, name
        outside = [sql for sql, in_transaction in statements if not in_transaction]
        assert not outside, (name, outside)
    assert not RoutingRule.objects.exists()


def test_a_read_opens_no_transaction(api_for, bob):
    statements = _statements_of(lambda: api_for(bob).get("/api/v1/partners/"))
    assert statements and not any(in_transaction for _, in_transaction in statements)


def test_a_refused_write_leaves_nothing_of_what_it_wrote():
    """An answer of 400 or more rolls back what the request wrote before it was refused."""

    def half_then_refused(request):
        RoutingRule.objects.create(name="Half", priority=1, countries=["DE"])
        return JsonResponse({"detail": "refused"}, status=409)

    def done(request):
        RoutingRule.objects.create(name="Whole", priority=1, countries=["DE"])
        return JsonResponse({}, status=201)

    class Post:
        method = "POST"

    assert answered_before_commit(half_then_refused)(Post()).status_code == 409
    assert answered_before_commit(done)(Post()).status_code == 201
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Whole"]


def test_every_address_under_the_api_is_wrapped():
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    patterns = api.url_patterns
    assert len(patterns) > 50
    unwrapped = [str(p.pattern) for p in patterns if not p.callback.answered_before_commit]
    assert not unwrapped
