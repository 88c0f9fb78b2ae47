"""Every answer under /api/v1/ is JSON in the error contract's shape ({"detail"} for 404 and
405), whatever the method, the address, its trailing slash or the format asked for."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1", 404),
        ("get", "/api/v1/", 404),
        ("get", "/api/v1/nothing/", 404),
        ("post", "/api/v1/nothing/here/", 404),
        ("get", "/api/v1/partners", 404),  # no trailing slash: says where it is
        ("get", "/api/v1/partners/not-an-id/", 404),
        ("get", "/api/v1/partners/9/", 404),
        ("put", "/api/v1/partners/", 405),
        ("delete", "/api/v1/program/", 405),
        ("trace", "/api/v1/partners/", 405),
        ("get", "/api/v1/schema/?format=nothing", 404),
        ("post", "/api/v1/schema/", 405),
        ("trace", "/api/v1/schema/", 405),
        ("post", "/api/v1/docs/", 405),
    ],
)
def test_every_error_under_the_api_is_json(api_for, bob, method, path, status):
    c = api_for(bob)
    r = c.generic(method.upper(), path)
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_head_and_options_answer_json_too(api_for, bob):
    c = api_for(bob)
    head = c.head("/api/v1/partners/")
    assert head.status_code == 200 and head["Content-Type"].startswith("application/json")
    options = c.options("/api/v1/partners/")
    assert options.status_code == 200 and options["Content-Type"].startswith("application/json")
