"""A small fixed-window rate limiter on Django's cache (Redis in production).

allauth limits signup and login itself; this covers posting, and later liking and reporting.
When the cache is unreachable the limiter lets the action through: an outage of Redis must not
stop members from posting (the database still guards everything that matters).
"""
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(scope: str, key: str | int, *, limit: int, period: int) -> bool:
    """Count one action; return True while the caller is within `limit` actions per `period` seconds."""
    window = int(time.time() // period)
    cache_key = f"rl:{scope}:{key}:{window}"
    try:
        if cache.add(cache_key, 1, timeout=period + 1):
            return True
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        return True
    except Exception:  # cache backend down
        logger.warning("rate limiter: cache unavailable, allowing %s", scope)
        return True
