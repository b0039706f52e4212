"""Writes to the search index. Each runs in the caller's transaction (a post's index row is written in
the same transaction as the post), except `reindex`, which commits batch by batch."""
import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from boards.models import Post, Topic
from search.backends import SearchUnavailable, backend_for
from search.documents import Document, document_for
from search.models import PostDocument

logger = logging.getLogger(__name__)

REINDEX_BATCH = 2000


def post_document(*, post: Post, title: str | None) -> Document:
    """A post as indexed: its text, and its topic's title when it is the topic's first post."""
    return document_for(title=title if post.position == 1 else None, body_html=post.body_html)


def index_posts(*, documents: list[tuple[int, Document]], using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    try:
        backend = backend_for(connection)
    except SearchUnavailable:
        return  # a database search does not support: nothing to keep
    with connection.cursor() as cursor:
        backend.save(cursor, documents)


def index_post(*, post: Post, title: str | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)index one post. `title`: its topic's title (used only for a first post)."""
    index_posts(documents=[(post.pk, post_document(post=post, title=title))], using=using)


def index_topic_title(*, topic: Topic, using: str = DEFAULT_DB_ALIAS) -> None:
    """After a retitle: the topic's first post carries the title in the index."""
    first = (Post.objects.using(using).filter(topic_id=topic.pk, position=1).only("id", "position", "body_html")
             .first())
    if first is not None:
        index_post(post=first, title=topic.title, using=using)


def reindex(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = REINDEX_BATCH,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every post's index row, in batches of `batch_size` posts by id, each batch its own
    transaction (a large forum is not locked for the whole run; posts written meanwhile index themselves).
    `progress(done, total)` is called after each batch. Returns the number of posts indexed."""
    posts = Post.objects.using(using)
    total = posts.count()
    done, last_id = 0, 0
    if progress:
        progress(0, total)
    while True:
        rows = list(posts.filter(pk__gt=last_id).order_by("pk")
                    .values_list("pk", "position", "body_html", "topic__title")[:batch_size])
        if not rows:
            break
        documents = [(pk, document_for(title=title if position == 1 else None, body_html=body_html))
                     for pk, position, body_html, title in rows]
        with transaction.atomic(using=using):
            index_posts(documents=documents, using=using)
        done += len(rows)
        last_id = rows[-1][0]
        if progress:
            progress(min(done, max(total, done)), max(total, done))
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE search_postdocument")  # the planner's word statistics, fresh
    logger.info("search index rebuilt", extra={"posts": done})
    return done


def index_is_empty(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    return not PostDocument.objects.using(using).exists()
