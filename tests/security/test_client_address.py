"""The client address: one function (apps/core/clients.py) behind the declared number of
proxies, and the throttles, the login lockout and the audit trail all key on it."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.core.clients import client_address
from apps.core.throttles import AnonThrottle, ScopeThrottle, UserThrottle

PROXY = "10.0.0.2"

# (trusted proxies, X-Forwarded-For or None, the client address)
CASES = [
    # No proxy declared: the header is the client's own words, ignored.
    (0, None, PROXY),
    (0, "203.0.113.9", PROXY),
    (0, "203.0.113.9, 198.51.100.1", PROXY),
    # One proxy: it appended the address it was connected from, the rightmost entry.
    (1, None, PROXY),
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6,7.7.7.7,203.0.113.9", "203.0.113.9"),
    (1, " 6.6.6.6 ,  203.0.113.9 ", "203.0.113.9"),
    (1, "2001:db8::1", "2001:db8::1"),
    (1, "6.6.6.6, 2001:DB8:0:0::1", "2001:db8::1"),
    # Two proxies (a CDN, then a TLS proxy): the second entry from the right.
    (2, "6.6.6.6, 203.0.113.9, 192.0.2.50", "203.0.113.9"),
    # Fewer entries than proxies: all were written by trusted proxies; the leftmost is nearest.
    (2, "203.0.113.9", "203.0.113.9"),
    # Empty entries are no addresses; what a trusted proxy wrote that is no address is refused.
    (1, "203.0.113.9, ", "203.0.113.9"),
    (1, "", PROXY),
    (1, "6.6.6.6, not-an-address", PROXY),
    (1, "6.6.6.6, 203.0.113.9:4711", PROXY),
]


def from_proxy(forwarded: str | None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), CASES)
def test_it_reads_the_client_behind_the_declared_proxies(proxies, forwarded, expected, settings):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(from_proxy(forwarded)) == expected


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), CASES)
def test_the_throttles_and_the_lockout_use_the_same_address(proxies, forwarded, expected, settings):
    settings.TRUSTED_PROXIES = proxies
    request = from_proxy(forwarded)
    for throttle in (AnonThrottle(), UserThrottle(), ScopeThrottle("sign_in")):
        assert throttle.get_ident(request) == expected
    assert get_client_ip_address(request) == expected  # django-axes, through its callable


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_forwarded_for_escapes_no_throttle(proxies, rates, settings):
    """Each request names another address in its own X-Forwarded-For: with no proxy the header
    is ignored, with one only the proxy's entry (the rightmost) counts."""
    settings.TRUSTED_PROXIES = proxies
    rates(anon="3/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    # With one trusted proxy, the proxy's appended entry: the same real client every time.
    tail = ", 198.51.100.20" if proxies else ""
    body = {"username": "nobody", "password": "x"}

    def ask(client, forwarded):
        return client.post(
            "/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert [ask(api, f"6.6.6.{n}{tail}") for n in range(4)] == [400, 400, 400, 429]
    # Another client (behind the same proxy) is not held back by the first one's count.
    if proxies:
        other, forwarded = APIClient(REMOTE_ADDR="203.0.113.9"), "6.6.6.6, 198.51.100.21"
    else:
        other, forwarded = APIClient(REMOTE_ADDR="203.0.113.10"), "6.6.6.6"
    assert ask(other, forwarded) == 400


@pytest.mark.django_db
def test_the_audit_trail_records_the_real_client(settings, world, api_for, dave):
    settings.TRUSTED_PROXIES = 1
    api = api_for(dave)
    url = f"/api/v1/deal-registrations/{world['registration'].pk}/"
    response = api.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert response.status_code == 404
    event = AuditEvent.objects.get(outcome="refused")
    assert (event.actor, event.client_address) == (dave, "203.0.113.9")


@pytest.mark.django_db
def test_a_transition_records_the_real_client(settings, world, api_for, bob):
    settings.TRUSTED_PROXIES = 1
    reg = world["registration"]
    response = api_for(bob).post(
        f"/api/v1/deal-registrations/{reg.pk}/transitions/approve/",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 200
    # This registration's approval (the world approves a fund request too).
    event = AuditEvent.objects.get(action="approve", object_id=str(reg.pk))
    assert event.client_address == "203.0.113.9"
