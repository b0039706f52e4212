"""When a member was last on the site, kept in the cache (Redis), not the database: every signed-in request
refreshes it, and "only when away" emails ask it. With Redis down nobody looks active, so emails go out as
if the member were away."""
import contextlib
import time

from django.core.cache import cache

SEEN_SECONDS = 15 * 60  # longer than any question asked of it


def _key(user_id: int) -> str:
    return f"seen:{user_id}"


def mark_seen(user) -> None:
    with contextlib.suppress(Exception):  # the cache is down: the member looks away, which is harmless
        cache.set(_key(user.pk), time.time(), SEEN_SECONDS)


def seen_within(user_id: int, seconds: int) -> bool:
    try:
        seen = cache.get(_key(user_id))
    except Exception:
        return False
    return seen is not None and time.time() - seen < seconds
