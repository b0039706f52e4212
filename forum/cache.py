"""Django's Redis cache, made safe to lose.

The cache holds rate-limit counters and rendered fragments, nothing that cannot be rebuilt. When
Redis stops answering, reads miss, writes are dropped, and the site keeps serving from the database.
After a failure the backend skips Redis for a few seconds instead of waiting on every call.
"""
import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per process: all instances share the verdict

    def _guard(name, default=None):  # noqa: N805 - a decorator factory used in the class body
        def decorate(method):
            @functools.wraps(method)
            def wrapper(self, *args, **kwargs):
                if time.monotonic() < ResilientRedisCache._down_until:
                    return default() if callable(default) else default
                try:
                    return method(self, *args, **kwargs)
                except (RedisError, OSError):
                    ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                    logger.warning("cache: Redis unavailable during %s; carrying on without it", name)
                    return default() if callable(default) else default
            return wrapper
        return decorate

    def get(self, key, default=None, version=None):
        if time.monotonic() < ResilientRedisCache._down_until:
            return default
        try:
            return super().get(key, default, version)
        except (RedisError, OSError):
            ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache: Redis unavailable during get; carrying on without it")
            return default

    add = _guard("add", default=True)(RedisCache.add)
    set = _guard("set")(RedisCache.set)
    touch = _guard("touch", default=False)(RedisCache.touch)
    delete = _guard("delete", default=False)(RedisCache.delete)
    get_many = _guard("get_many", default=dict)(RedisCache.get_many)
    has_key = _guard("has_key", default=False)(RedisCache.has_key)
    set_many = _guard("set_many", default=list)(RedisCache.set_many)
    delete_many = _guard("delete_many")(RedisCache.delete_many)
    clear = _guard("clear", default=False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < ResilientRedisCache._down_until:
            raise ValueError("cache unavailable")  # callers treat a missing counter as a fresh start
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError):
            ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache: Redis unavailable during incr; carrying on without it")
            raise ValueError("cache unavailable") from None

    _guard = staticmethod(_guard)
