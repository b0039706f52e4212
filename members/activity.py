"""When a member was last on the site, kept in the cache (Redis), not the database: a signed-in request
refreshes it (at most once a minute per process: the answers asked of it are about ten minutes), and "only
when away" emails ask it. With Redis down nobody looks active, so emails go out as if the member were away."""
import contextlib
import time

from django.core.cache import cache

SEEN_SECONDS = 15 * 60  # longer than any question asked of it


def _key(user_id: int) -> str:
    return f"seen:{user_id}"


MARK_EVERY_SECONDS = 60  # a member's requests within a minute of the last mark write nothing
_marked: dict[int, float] = {}  # per process: user id -> when this process last marked them


def mark_seen(user) -> None:
    now = time.time()
    if now - _marked.get(user.pk, 0.0) < MARK_EVERY_SECONDS:
        return
    if len(_marked) > 10_000:
        _marked.clear()
    _marked[user.pk] = now
    with contextlib.suppress(Exception):  # the cache is down: the member looks away, which is harmless
        cache.set(_key(user.pk), now, SEEN_SECONDS)


def forget_marks() -> None:
    """This process forgets whom it marked (the cache was cleared: tests)."""
    _marked.clear()


def seen_within(user_id: int, seconds: int) -> bool:
    try:
        seen = cache.get(_key(user_id))
    except Exception:
        return False
    return seen is not None and time.time() - seen < seconds
