"""The address of the client a request comes from — the one answer the API throttles, the login
lockout (django-axes' AXES_CLIENT_IP_CALLABLE) and the audit trail all use.

Behind TRUSTED_PROXIES reverse proxies (settings; PARTNEROS_TRUSTED_PROXIES), REMOTE_ADDR is the
nearest proxy's address and each proxy appends the address it was connected from to
X-Forwarded-For. Only those last entries were written by a proxy we trust: whatever a client
sent in its own X-Forwarded-For sits to their left. So the client is the TRUSTED_PROXIES-th
entry from the right, and with no trusted proxy the header is ignored altogether. This holds
only if the app cannot be reached except through those proxies (the deployment's job)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request came through fewer of them than declared; every
    # entry there is still a trusted proxy's, and the leftmost is the closest to the client.
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: a proxy that writes something else, never trusted
        return remote
