"""Every method on every API address, and addresses under /api/v1/ that name no endpoint, as an
anonymous caller and as each role: never a 500, always the error contract's JSON.

- A method an address takes is not refused as a method (no 405); one it does not take is a
  405 naming the methods it does take (`Allow`), whatever the caller's role; an anonymous
  caller gets 401 first, on every address that is not public.
- The methods an address takes are the ones the OpenAPI schema documents for it (HEAD and
  OPTIONS aside): nothing undocumented answers.
- An address under /api/v1/ that names no endpoint is a JSON 404 `{"detail"}`, never the
  site's HTML page.
The addresses come from the URL configuration (matrix.py), so a new endpoint is covered as
soon as it is routed.
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from .matrix import MATRIX, url_for
from .probing import rolled_back, send_or_error, server_error

pytestmark = pytest.mark.django_db

METHODS = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    "PROPFIND", "BREW",
]  # fmt: skip
ROLES = ("anonymous", "admin", "manager", "partner")
UNKNOWN = [
    "/api/v1/",
    "/api/v1/no-such-endpoint/",
    "/api/v1/no/such/endpoint",
    "/api/v1/%00/",
    "/api/v1/%C2%B2/",
    "/api/v1/" + "x" * 2000 + "/",
    "/api/v1/partners/99999999999999999999999999/",
    "/api/v1/partners/-1/",
    "/api/v1/partners/%C2%B2/",
    "/api/v1/partners/1/transitions/no_such_transition/",
    "/api/v1/partners/1/transitions/approve/extra/",
    "/api/v1/users/me/password/nope/",
    "/api/v1/schema/nope/",
    "/api/v1/auth/token/nope/",
]


def api_url_names() -> list[str]:
    """The named URLs under /api/v1/, from the URL configuration."""
    names: list[str] = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/") and entry.name:
                names.append(entry.name)

    walk(get_resolver())
    return sorted(set(names))


@pytest.fixture
def callers(world, alice, bob, charlie, monkeypatch):
    # Throttling is proven elsewhere; here every request must reach its view.
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.allow_request", lambda *a, **k: True
    )
    clients = {}
    for role, user in zip(ROLES, (None, alice, bob, charlie), strict=True):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        clients[role] = client
    return clients


def _send(client, method: str, url: str):
    """Each request rolled back, so no method changes the world for the next."""
    with rolled_back():
        return send_or_error(
            lambda: client.generic(method, url, b"{}", content_type="application/json")
        )


def _allowed(response) -> set[str]:
    return {m.strip() for m in response.get("Allow", "").split(",") if m.strip()}


def _contract(method: str, response) -> str | None:
    """What is wrong with an error answer's body, if anything: JSON with a `detail`."""
    if method == "HEAD" or response.status_code < 400:
        return None
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"a {response.status_code} in {response.get('Content-Type')}, not JSON"
    body = json.loads(response.content)
    if not isinstance(body, dict) or not body:
        return f"a {response.status_code} that does not say why: {body!r}"
    return None


# Addresses that name no endpoint: a JSON 404 whatever the method.
NO_ENDPOINT = {"api-not-found", "api-root-no-slash"}
# Methods open to anonymous callers on an address that is otherwise not public: the public
# application (POST /api/v1/applications/, DESIGN.md section 13).
PUBLIC_METHODS = {("application-list", "POST")}


def test_every_api_address_is_tried():
    names = set(api_url_names())
    assert names <= set(MATRIX), sorted(names - set(MATRIX))
    assert "api-not-found" in names


@pytest.mark.parametrize("name", api_url_names())
def test_every_method_on_every_api_address(name, world, callers):
    url = url_for(name, world)
    public = MATRIX[name][0] == "public"
    problems = []
    for role, client in callers.items():
        for method in METHODS:
            response = _send(client, method, url)
            where = f"{method} {url} as {role}"
            if failed := server_error(response):
                problems.append(f"{where}: {failed}")
                continue
            status, allowed = response.status_code, _allowed(response)
            if name in NO_ENDPOINT:
                if status != 404:
                    problems.append(f"{where}: {status}, not 404")
            elif role == "anonymous" and not public and (name, method) not in PUBLIC_METHODS:
                if status != 401:
                    problems.append(f"{where}: {status}, not 401")
            elif method not in allowed and status != 405:
                problems.append(f"{where}: {status} for a method not in Allow {sorted(allowed)}")
            elif method in allowed and status == 405:
                problems.append(f"{where}: 405 for a method in Allow {sorted(allowed)}")
            if status == 405 and not allowed:
                problems.append(f"{where}: a 405 without an Allow header")
            # The schema and docs page answer in YAML and HTML, and their errors in JSON.
            if wrong := _contract(method, response):
                problems.append(f"{where}: {wrong}")
    assert not problems, "\n".join(problems[:30])


def test_the_methods_an_address_takes_are_the_documented_ones(api_for, bob):
    """For each path of the schema: the methods its view takes (HEAD and OPTIONS aside) are
    exactly the ones documented."""
    import yaml

    schema = yaml.safe_load(api_for(bob).get("/api/v1/schema/").content)
    problems = []
    for path, item in schema["paths"].items():
        documented = {m.upper() for m in item if m.upper() in METHODS}
        concrete = path.replace("{id}", "1").replace("{name}", "approve")
        concrete = concrete.replace("{attachment_id}", "1").replace("{file_id}", "1")
        match = resolve(concrete)
        view = match.func
        routed = getattr(view, "actions", None) or {
            m: m for m in view.cls.http_method_names if hasattr(view.cls, m)
        }
        taken = {m.upper() for m in routed if m in view.cls.http_method_names}
        taken -= {"HEAD", "OPTIONS"}
        if taken != documented:
            problems.append(f"{path}: takes {sorted(taken)}, documents {sorted(documented)}")
    assert not problems, "\n".join(problems)


def _unknown_urls(world) -> list[str]:
    """Addresses under /api/v1/ that name no endpoint: the fixed list, and for each endpoint its
    address without the final slash and with an extra segment."""
    urls = list(UNKNOWN)
    for name in api_url_names():
        url = url_for(name, world)
        if url.endswith("/") and name != "api-not-found":
            urls += [url.rstrip("/"), f"{url}no-such-thing/extra/"]
    return urls


def test_unknown_api_addresses_are_json_404s(world, callers):
    problems = []
    for url in _unknown_urls(world):
        for role, client in callers.items():
            for method in ("GET", "POST", "DELETE", "PROPFIND"):
                response = _send(client, method, url)
                where = f"{method} {url[:80]} as {role}"
                if failed := server_error(response):
                    problems.append(f"{where}: {failed}")
                    continue
                status = response.status_code
                # A role refused by the endpoint a longer address resolves to: 403.
                expected = {403, 404, 405} if role != "anonymous" else {401, 404}
                if status not in expected:
                    problems.append(f"{where}: {status}, not one of {sorted(expected)}")
                elif status == 405 and method in _allowed(response):
                    problems.append(f"{where}: 405 for a method in Allow")
                if wrong := _contract(method, response):
                    problems.append(f"{where}: {wrong}")
    assert not problems, "\n".join(problems[:30])
