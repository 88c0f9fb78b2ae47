"""The drill: the app behind a real reverse proxy that appends the connecting address to
X-Forwarded-For (as nginx's $proxy_add_x_forwarded_for does), with PARTNEROS_TRUSTED_PROXIES=1.
Clients connect from their own loopback addresses (127.0.0.2, 127.0.0.3) and the app, which only
ever sees the proxy connect, still throttles, locks out and records the real client — also one
that forges its own X-Forwarded-For."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt

from apps.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKER, VICTIM = "127.0.0.2", "127.0.0.3"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class ForwardingProxy(BaseHTTPRequestHandler):
    upstream: tuple[str, int]

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("X-Forwarded-For", None)
        prior = self.headers.get("X-Forwarded-For")
        connecting = self.client_address[0]
        headers["X-Forwarded-For"] = f"{prior}, {connecting}" if prior else connecting
        headers["Host"] = self.headers.get("Host", "")
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = forward

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def proxy(live_server) -> Iterator[tuple[str, int]]:
    target = urlsplit(live_server.url)
    handler = type("Handler", (ForwardingProxy,), {"upstream": (target.hostname, target.port)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()


@pytest.fixture
def behind_one_proxy(settings, rates):
    settings.TRUSTED_PROXIES = 1
    rates(anon="100/minute", sign_in="100/minute")


def ask_token(proxy, source: str, username: str, password: str, forged: str | None = None):
    """POST /api/v1/auth/token/ through the proxy, connecting from `source`."""
    conn = http.client.HTTPConnection(*proxy, timeout=30, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if forged is not None:
        headers["X-Forwarded-For"] = forged
    body = json.dumps({"username": username, "password": password})
    conn.request("POST", "/api/v1/auth/token/", body=body, headers=headers)
    answer = conn.getresponse()
    status, data = answer.status, answer.read()
    conn.close()
    return status, json.loads(data or b"{}")


def test_a_client_behind_the_proxy_is_throttled_whatever_it_forges(proxy, behind_one_proxy, rates):
    rates(anon="3/minute")
    statuses = [
        ask_token(proxy, ATTACKER, f"user{n}", "x", forged=f"198.51.100.{n}")[0] for n in range(3)
    ]
    # Even forging the victim's address, the attacker is counted as itself.
    status, body = ask_token(proxy, ATTACKER, "user9", "x", forged=VICTIM)
    assert statuses + [status] == [400, 400, 400, 429]
    assert "throttled" in body["detail"]
    # The victim, behind the same proxy (the same REMOTE_ADDR), is not held back.
    assert ask_token(proxy, VICTIM, "user0", "x")[0] == 400
    throttled = AuditEvent.objects.get(action="throttled")
    assert (throttled.client_address, throttled.count) == (ATTACKER, 1)


def test_behind_the_proxy_the_lockout_keys_on_the_real_client(
    proxy, behind_one_proxy, bob, settings
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        assert ask_token(proxy, ATTACKER, "bob", "wrong", forged=f"198.51.100.{n}")[0] == 400
    assert set(AccessAttempt.objects.values_list("username", "ip_address")) == {("bob", ATTACKER)}
    status, body = ask_token(proxy, ATTACKER, "bob", PASSWORD, forged=VICTIM)
    assert status == 403 and "too many failed" in body["detail"].lower()
    status, body = ask_token(proxy, VICTIM, "bob", PASSWORD)
    assert status == 200 and body["token"]


def test_without_the_proxy_count_every_client_would_share_the_proxys_lockout(
    proxy, behind_one_proxy, bob, settings
):
    """The control: undeclared, the proxy's address is everyone's, and the attacker's failures
    lock bob out from his own machine — why the deployment must declare its proxy."""
    settings.TRUSTED_PROXIES = 0
    for _ in range(settings.AXES_FAILURE_LIMIT):
        ask_token(proxy, ATTACKER, "bob", "wrong")
    assert ask_token(proxy, VICTIM, "bob", PASSWORD)[0] == 403
