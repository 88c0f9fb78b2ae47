"""The Redis cache keeps one client per connection pool (apps/core/cache.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_it_reuses_one_client_and_still_works():
    cache.set("cache-test:k", {"n": 1}, 30)
    first = cache._cache.get_client(write=True)
    assert cache.get("cache-test:k") == {"n": 1}
    assert cache.add("cache-test:k", 2) is False
    cache.delete("cache-test:n")
    assert cache.add("cache-test:n", 1) is True
    assert cache.incr("cache-test:n") == 2
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first  # one server: reads use the same pool
    cache.delete_many(["cache-test:k", "cache-test:n"])
    assert cache.get("cache-test:k") is None
