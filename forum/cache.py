"""Django's Redis cache, made safe to lose.

The cache holds rate-limit counters and rendered fragments, nothing that cannot be rebuilt. When
Redis stops answering, reads miss, writes are dropped, and the site keeps serving from the database.
After a failure the backend skips Redis for a few seconds instead of waiting on every call.

Limits must not vanish with Redis, though: keys of rate limits and one-time markers (allauth's login,
signup and password-reset limits and used TOTP codes, `allauth…`; Hearth's own, `rl:…`) then live in a
cache in this process's memory, so each process still enforces them on its own until Redis is back.
"""
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
LOCAL_WHEN_DOWN = ("allauth", "rl:")  # key prefixes kept in process memory while Redis is down

_local = LocMemCache("hearth-limits-while-redis-is-down", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _miss():
    raise ValueError("cache unavailable")  # incr's miss: callers treat a missing counter as a fresh start


class _ClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, which costs more than a cache hit (redis-py
    builds its table of reply parsers each time); one per connection pool serves every call, as redis-py
    means its clients to (they are safe to share)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per process: all instances share the verdict

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool

    def _call(self, name, key, *args, default=None, **kwargs):
        if time.monotonic() >= ResilientRedisCache._down_until:
            try:
                return getattr(super(), name)(key, *args, **kwargs)
            except (RedisError, OSError):
                ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("cache: Redis unavailable during %s; carrying on without it", name)
        if isinstance(key, str) and key.startswith(LOCAL_WHEN_DOWN):
            return getattr(_local, name)(key, *args, **kwargs)
        return default() if callable(default) else default

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version, default=default)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version, default=True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version, default=False)

    def delete(self, key, version=None):
        return self._call("delete", key, version, default=False)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version, default=False)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version, default=_miss)

    def _guard_many(name, default=None):  # noqa: N805 - a decorator factory used in the class body
        def method(self, *args, **kwargs):
            if time.monotonic() < ResilientRedisCache._down_until:
                return default() if callable(default) else default
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisError, OSError):
                ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("cache: Redis unavailable during %s; carrying on without it", name)
                return default() if callable(default) else default
        method.__name__ = name
        return method

    get_many = _guard_many("get_many", default=dict)
    set_many = _guard_many("set_many", default=list)
    delete_many = _guard_many("delete_many")
    _clear = _guard_many("clear", default=False)

    def clear(self):
        _local.clear()
        return self._clear()

    _guard_many = staticmethod(_guard_many)
