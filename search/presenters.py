"""Search results as the template shows them: links, names, and the title and a snippet with the
matched words marked. The marking is done on escaped text here, so templates print `*_html` fields only."""
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape

from boards.models import Post
from forum import links
from search.documents import plain_text
from search.normalise import HAN

SNIPPET_CHARS = 200
LEAD_CHARS = 60  # text kept before the first match
MAX_HIGHLIGHTS = 24


@dataclass(frozen=True)
class Result:
    post_url: str
    topic_url: str
    title_html: str
    snippet_html: str
    board_name: str
    board_url: str
    author_name: str
    author_url: str
    created_at: datetime
    is_reply: bool
    state: str  # "" for a public post; "hidden", "held", "deleted" or "hidden topic" for moderators


def highlighter(highlights: list[str]) -> re.Pattern | None:
    """One pattern for the words and Han runs searched for: words whole and in any case, Han runs as
    they are (they are matched inside longer runs)."""
    parts = []
    for text in sorted(set(highlights[:MAX_HIGHLIGHTS]), key=len, reverse=True):
        if re.fullmatch(f"[{HAN}]+", text):
            parts.append(re.escape(text))
        else:
            parts.append(rf"(?<![^\W_]){re.escape(text)}(?![^\W_])")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def mark(text: str, pattern: re.Pattern | None, *, limit: int | None = None) -> str:
    """`text` escaped, with each match in <mark>. With `limit`: at most that many characters around the
    first match (or from the start), with … where text was cut."""
    first = pattern.search(text) if pattern else None
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        start = max(0, first.start() - LEAD_CHARS) if first else 0
        end = min(len(text), start + limit)
        start = max(0, end - limit)
    window = text[start:end]
    out, at = [], 0
    for match in (pattern.finditer(window) if pattern else ()):
        if match.end() == match.start():
            continue
        out.append(escape(window[at:match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        at = match.end()
    out.append(escape(window[at:]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _state(post: Post) -> str:
    if post.deleted_at is not None:
        return "deleted"
    if post.is_awaiting_approval:
        return "held"
    if post.is_hidden:
        return "hidden"
    if post.topic.is_hidden:
        return "hidden topic"
    return ""


def present_results(posts: list[Post], highlights: list[str]) -> list[Result]:
    pattern = highlighter(highlights)
    results = []
    for post in posts:
        topic, board = post.topic, post.topic.board
        results.append(Result(
            post_url=links.post_url(post.pk),
            topic_url=links.topic_url(topic.pk, topic.slug),
            title_html=mark(topic.title, pattern),
            snippet_html=mark(plain_text(post.body_html), pattern, limit=SNIPPET_CHARS),
            board_name=board.name,
            board_url=links.board_url(board.slug),
            author_name=post.author.username,
            author_url=links.member_url(post.author.username),
            created_at=post.created_at,
            is_reply=post.position > 1,
            state=_state(post),
        ))
    return results
