"""Django's Redis cache, keeping one client per connection pool; its file cache (the embedded
default) with the same pickling.

Django's own `RedisCacheClient.get_client` builds a new `redis.Redis` for every operation, and
building one fills its response-callback table (some 170 entries): measured at about 0.15 ms
per cache call, several times per API request (the throttle reads and writes, the dashboard's
generation). A `redis.Redis` over a pool is safe to share between threads, and the pool
reconnects after a fork, so one client per pool does the same work without the rebuild.

Its serializer pickles lazy translations so that reading them back is cheap. Django pickles a
`gettext_lazy` text as a call of `lazy(func, str)(*args)`, and `lazy()` builds a new proxy class
each time, looking up every method of `str` (about 120 `hasattr` calls): the dashboard's stored
snapshot holds two lazy texts per health-score part, so reading it back cost a fifth of the
page's CPU. Here the proxy class is built once per (function, result classes) and reused."""

from __future__ import annotations

import io
import pickle
import zlib
from collections.abc import Callable

from django.core.cache.backends import filebased
from django.core.cache.backends import redis as django_redis
from django.utils.functional import (  # type: ignore[attr-defined]  # (the stubs)
    Promise,
    _lazy_proxy_unpickle,
    lazy,
)

_LAZY: dict[tuple, Callable] = {}


def lazy_again(func, args, kwargs, *resultclasses):
    """What a pickled lazy text becomes again: the same call, through one proxy class."""
    key = (func, resultclasses)
    factory = _LAZY.get(key)
    if factory is None:
        factory = _LAZY[key] = lazy(func, *resultclasses)
    return factory(*args, **kwargs)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            reduced = obj.__reduce__()
            if reduced[0] is _lazy_proxy_unpickle:  # a lazy() call; anything else as Django does
                return lazy_again, reduced[1]
        return NotImplemented


def dumps(obj, protocol: int) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol).dump(obj)
    return out.getvalue()


class Serializer(django_redis.RedisSerializer):
    def dumps(self, obj):
        if type(obj) is int:  # as Django's: incr() and decr() work on plain integers
            return obj
        return dumps(obj, self.protocol)  # type: ignore[attr-defined]  # (the stubs)


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache, pickling values as the Redis cache does (`make run`'s dashboard
    reads its snapshot from here)."""

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(dumps(value, self.pickle_protocol)))


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        # django-stubs leave out the private helpers this subclass builds on (Django 5.2 has them).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(  # type: ignore[attr-defined]
                connection_pool=pool
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        options = params.get("OPTIONS") or {}
        params = {**params, "OPTIONS": {"serializer": Serializer, **options}}
        super().__init__(server, params)
        self._class = RedisCacheClient
