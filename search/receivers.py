"""What search does when the boards layer tells it something (boards.signals): connected in
SearchConfig.ready(), run inside the sender's transaction, so a post and its index row are written, or
rolled back, together."""
import logging

from django.db import connections

from boards.models import Post, Topic
from search import services

logger = logging.getLogger(__name__)


def index_new_post(sender, *, post: Post, **kwargs) -> None:
    services.index_post(post=post, title=post.topic.title)


def index_edited_post(sender, *, post: Post, title_after: str, **kwargs) -> None:
    services.index_post(post=post, title=title_after)


def index_moved_topic(sender, *, topic: Topic, **kwargs) -> None:
    # a move changes nothing indexed (search reads the board from the topic); a retitle does
    services.index_topic_title(topic=topic)


def index_loaded_posts(sender, **kwargs) -> None:
    """Posts were bulk-loaded (the demo and bench forums) without a signal each."""
    services.reindex()


def backfill_after_migrate(sender, *, using: str, **kwargs) -> None:
    """An index created on a forum that already has posts (the first `migrate` with search) is filled at
    once; later an empty index with posts means search_reindex was never run, and is filled too."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    if "search_postdocument" not in connection.introspection.table_names():
        return
    if services.index_is_empty(using=using) and Post.objects.using(using).exists():
        logger.info("search index empty: indexing the existing posts")
        services.reindex(using=using)
