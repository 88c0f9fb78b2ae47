"""The caches (apps/core/cache.py): one Redis client per connection pool, and lazy texts pickled
so that reading them back is cheap, in Redis and in the embedded file cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils.functional import Promise

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


def test_lazy_texts_come_back_lazy_through_one_proxy_class():
    """A stored lazy text is still translated when read (in the reader's language), and reading
    it back does not build a proxy class each time (Django's own pickling does: about 120
    `hasattr` calls per text, a fifth of the dashboard page's CPU)."""
    from django.utils import translation
    from django.utils.functional import Promise
    from django.utils.translation import gettext_lazy, pgettext_lazy

    stored = {
        "label": gettext_lazy("Win rate"),
        "ctx": pgettext_lazy("registration history", "submit"),
        "n": 3,
    }
    cache.set("cache-test:lazy", stored, 30)
    first, second = cache.get("cache-test:lazy"), cache.get("cache-test:lazy")
    cache.delete("cache-test:lazy")
    assert isinstance(first["label"], Promise) and first is not second
    assert type(first["label"]) is type(second["label"])
    assert first["n"] == 3 and cache.get("cache-test:lazy") is None
    with translation.override("de"):
        assert str(first["label"]) == translation.gettext("Win rate") != "Win rate"
        assert (
            str(first["ctx"])
            == translation.pgettext("registration history", "submit")
            == "eingereicht"
        )
    with translation.override("en"):
        assert str(first["label"]) == "Win rate"


def test_a_value_pickled_by_djangos_serializer_still_reads():
    """Entries written before this serializer (Django's pickling) read back the same."""
    from django.core.cache.backends.redis import RedisSerializer
    from django.utils.translation import gettext_lazy

    client = cache._cache.get_client(write=True)
    old = RedisSerializer().dumps({"label": gettext_lazy("Win rate")})
    client.set(cache.make_and_validate_key("cache-test:old"), old)
    assert str(cache.get("cache-test:old")["label"]) == "Win rate"
    cache.delete("cache-test:old")


class _OtherPromise(Promise):
    """A promise that is not a `lazy()` call: it pickles as itself says."""

    def __reduce__(self):
        return (str, ("as it says",))


def test_a_promise_that_is_not_a_lazy_call_pickles_as_it_says():
    cache.set("cache-test:other", {"v": _OtherPromise()}, 30)
    assert cache.get("cache-test:other") == {"v": "as it says"}
    cache.delete("cache-test:other")


def test_the_file_cache_pickles_lazy_texts_the_same_way(tmp_path):
    """`make run`'s embedded cache (no Redis) reads lazy texts back through one proxy class too,
    and they are still translated in the reader's language."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from apps.core.cache import FileBasedCache

    files = FileBasedCache(str(tmp_path), {})
    files.set("k", {"label": gettext_lazy("Win rate"), "n": 3}, 30)
    first, second = files.get("k"), files.get("k")
    assert isinstance(first["label"], Promise) and first["n"] == 3
    assert type(first["label"]) is type(second["label"])
    with translation.override("de"):
        assert str(first["label"]) == translation.gettext("Win rate") != "Win rate"
    assert files.add("k", 1) is False and files.touch("k", 60) is True
    files.delete("k")
    assert files.get("k") is None
