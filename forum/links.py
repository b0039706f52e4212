"""URLs for things that appear many times on one page.

`reverse()` costs tens of microseconds; a topic page with 20 posts would call it about a hundred
times. Each pattern here is reversed once per process and then filled in with string formatting.
"""
from functools import lru_cache
from urllib.parse import quote

from django.urls import reverse

_MARK_ID = 987654321
_MARK_TEXT = "zzmarkzz"
_SAFE = "!$&'()*+,;=/~:@"  # what Django's reverse() leaves unquoted


@lru_cache(maxsize=32)
def _pattern(name: str, kwargs_spec: tuple[tuple[str, str], ...]) -> str:
    kwargs = {key: (_MARK_ID if kind == "id" else _MARK_TEXT) for key, kind in kwargs_spec}
    url = reverse(name, kwargs=kwargs)
    return url.replace(str(_MARK_ID), "{id}").replace(_MARK_TEXT, "{text}")


def board_url(slug: str) -> str:
    return _pattern("boards:board_detail", (("slug", "text"),)).format(text=quote(slug, safe=_SAFE))


def topic_url(topic_id: int, slug: str, page: int = 1) -> str:
    url = _pattern("boards:topic_detail", (("topic_id", "id"), ("slug", "text"))).format(
        id=topic_id, text=quote(slug, safe=_SAFE))
    return url if page <= 1 else f"{url}?page={page}"


def post_url(post_id: int) -> str:
    return _pattern("boards:post_redirect", (("post_id", "id"),)).format(id=post_id)


def member_url(username: str) -> str:
    return _pattern("standing:profile", (("username", "text"),)).format(text=quote(username, safe=_SAFE))


def topic_unread_url(topic_id: int) -> str:
    return _pattern("boards:topic_unread", (("topic_id", "id"),)).format(id=topic_id)


def post_page_url(name: str, post_id: int) -> str:
    """A URL under one post, by URL name: "boards:post_edit", "boards:post_like", …"""
    return _pattern(name, (("post_id", "id"),)).format(id=post_id)


def watch_topic_url(topic_id: int) -> str:
    return _pattern("notifications:watch_topic", (("topic_id", "id"),)).format(id=topic_id)


def watch_board_url(slug: str) -> str:
    return _pattern("notifications:watch_board", (("slug", "text"),)).format(text=quote(slug, safe=_SAFE))


def reply_url(topic_id: int) -> str:
    return _pattern("boards:post_create", (("topic_id", "id"),)).format(id=topic_id)


def report_url(kind: str, object_id) -> str:
    return _pattern("moderation:report", (("kind", "text"), ("object_id", "id"))).format(
        text=quote(kind, safe=_SAFE), id=object_id)


def case_url(case_id: int) -> str:
    return _pattern("moderation:case_detail", (("case_id", "id"),)).format(id=case_id)


def featured_url() -> str:
    """The forum-wide 精华 (featured topics) page."""
    return _pattern("boards:featured", ())
