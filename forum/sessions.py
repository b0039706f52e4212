"""Sessions kept in the database and read through the cache (Redis): a signed-in page asks Redis for its
session rather than PostgreSQL. The database stays the record; the cache holds a copy for at most
SESSION_CACHE_SECONDS (60 by default), so whatever the cache missed while Redis was away (a logout's
delete is dropped then, forum/cache.py) is forgotten within that time. With Redis down every read goes
to the database, as before."""
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class _Brief:
    """The session cache, holding each session at most `seconds`."""

    def __init__(self, cache, seconds: int):
        self._cache = cache
        self._seconds = seconds

    def set(self, key, value, timeout=None):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return self._cache.set(key, value, timeout)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(CachedDBStore):
    cache_key_prefix = "hearth.session."

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Brief(self._cache, settings.SESSION_CACHE_SECONDS)
