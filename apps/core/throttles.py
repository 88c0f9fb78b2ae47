"""Rates on the doors anyone can knock on, all counted by the real client address
(apps/core/clients.py) — never by an X-Forwarded-For the client wrote itself, which DRF's own
`get_ident` would take whole when no proxy count is set.

- The API's anonymous and per-user rates: `AnonThrottle`, `UserThrottle` (the defaults).
- A named scope: a rate in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES (THROTTLE_SCOPES in the
  settings) counted per client, or per whatever key the caller names (a user, an e-mail
  address). In the API: a `ScopeThrottle` subclass naming its `scope` in `throttle_classes`.
  In a page: `@throttle("scope")` on the view, or `ScopeThrottle("scope", key=…).allow(request)`
  where the page must answer the same whatever happens (the password-reset e-mails)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .clients import client_address

# The counters' own cache (settings.CACHES["throttles"]): shared by every web process.
throttle_cache = cast(BaseCache, ConnectionProxy(caches, "throttles"))


class AnonThrottle(AnonRateThrottle):
    cache = throttle_cache

    def get_ident(self, request) -> str:
        return client_address(request)


class UserThrottle(UserRateThrottle):
    cache = throttle_cache

    def get_ident(self, request) -> str:
        return client_address(request)


class ScopeThrottle(SimpleRateThrottle):
    """One named rate, counted per client address, or per `key` when one is given. An unknown
    scope fails loudly (ImproperlyConfigured) the first time it is used."""

    cache = throttle_cache
    scope = ""

    def __init__(self, scope: str = "", *, key: str | None = None) -> None:
        if scope:
            self.scope = scope
        self.key_for = key
        super().__init__()

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request, view) -> str:
        ident = self.key_for if self.key_for is not None else self.get_ident(request)
        # Hashed: a key may be an e-mail address, which the cache has no business holding.
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def allow(self, request: HttpRequest) -> bool:
        """Counts this request against the rate; False when it is over. A page's request will
        do: the count reads only its META (and the key), no DRF Request or view."""
        return self.allow_request(request, None)  # type: ignore[arg-type]

    def retry_after(self) -> int:
        return max(1, round(self.wait() or 1))


def per_user(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else None


def throttled(request: HttpRequest, limit: ScopeThrottle) -> HttpResponse:
    """429 with a page (or, for htmx, the fragment) that says how long to wait."""
    seconds = limit.retry_after()
    template = "includes/throttled.html" if getattr(request, "htmx", False) else "throttled.html"
    response = render(
        request, template, {"minutes": -(-seconds // 60), "seconds": seconds}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def throttle(
    scope: str,
    *,
    key: Callable[[HttpRequest], str | None] | None = None,
    methods: tuple[str, ...] | None = None,
) -> Callable:
    """A page view limited to `scope`'s rate: per client address, or per `key(request)` (e.g.
    `per_user`; None from it counts nothing). `methods`: only these count (e.g. ("POST",), so a
    form can still be shown)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if methods is None or request.method in methods:
                ident = key(request) if key is not None else client_address(request)
                if ident is not None:
                    limit = ScopeThrottle(scope, key=ident)
                    if not limit.allow(request):
                        return throttled(request, limit)
            return view(request, *args, **kwargs)

        return limited

    return decorate
