"""Taking a spammer's content off the forum in one go, and putting it back (an undo within days). Posts
keep their places (positions, so every page and permalink of the topics they were in still works) and are
marked deleted, as a moderator's delete marks one; the spammer's own topics leave their boards' counts;
the spammer's likes are taken back. Every counter is kept exact, in one transaction."""
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions
from boards.models import Board, Post, PostLike, Topic
from boards.services.counters import count_like, count_topic_onto_board, recount_featured, recount_last_posts
from members.models import User

logger = logging.getLogger(__name__)


def _recount(topic_ids) -> None:
    topics = list(Topic.objects.filter(pk__in=topic_ids).only("pk", "board_id"))
    for topic in topics:
        recount_last_posts(topic)
    Topic.objects.filter(pk__in=topic_ids).update(version=F("version") + 1)
    Board.objects.filter(pk__in={topic.board_id for topic in topics}).update(version=F("version") + 1)


@transaction.atomic
def member_content_remove(*, member: User, actor: User, reason: str) -> dict:
    """Delete all of `member`'s posts, take their topics off the boards and their likes back. Returns what
    member_content_restore needs to undo it."""
    if not permissions.is_global_moderator(actor):
        raise PermissionDenied(_("Only global moderators and admins can do that."))
    now = timezone.now()
    topics = list(Topic.objects.select_for_update().filter(author=member).order_by("pk"))
    hidden_topics = []
    for topic in topics:
        if not topic.is_hidden:
            Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
            count_topic_onto_board(topic=topic, sign=-1)
            hidden_topics.append(topic.pk)
    posts = list(Post.objects.select_for_update().filter(author=member, deleted_at__isnull=True).order_by("pk")
                 .values("pk", "topic_id", "is_hidden", "hidden_reason", "is_awaiting_approval"))
    Post.objects.filter(pk__in=[post["pk"] for post in posts]).update(
        deleted_at=now, is_hidden=True, is_awaiting_approval=False, hidden_reason=reason[:300])
    likes = []
    for like in PostLike.objects.select_for_update().filter(member=member).select_related("post").order_by("pk"):
        likes.append(like.post_id)
        like.delete()
        count_like(post=like.post, member=member, delta=-1)
    _recount({post["topic_id"] for post in posts} | {topic.pk for topic in topics})
    recount_featured(member.pk)
    logger.info("member's content removed", extra={"member_id": member.pk, "by": actor.pk,
                                                    "posts": len(posts), "topics": len(hidden_topics)})
    return {"posts": posts, "topics": hidden_topics, "likes": likes}


@transaction.atomic
def member_content_restore(*, member: User, actor: User, removed: dict) -> None:
    """Undo member_content_remove: each post gets back the state it had; the topics it took off the boards
    come back onto them; the likes are given again."""
    if not permissions.is_global_moderator(actor):
        raise PermissionDenied(_("Only global moderators and admins can do that."))
    topic_ids = set()
    for post in removed.get("posts", []):
        changed = Post.objects.filter(pk=post["pk"], author=member, deleted_at__isnull=False).update(
            deleted_at=None, is_hidden=post["is_hidden"], hidden_reason=post["hidden_reason"],
            is_awaiting_approval=post["is_awaiting_approval"])
        if changed:
            topic_ids.add(post["topic_id"])
    for topic in Topic.objects.select_for_update().filter(pk__in=removed.get("topics", []), author=member,
                                                          is_hidden=True):
        Topic.objects.filter(pk=topic.pk).update(is_hidden=False)
        count_topic_onto_board(topic=topic, sign=1)
        topic_ids.add(topic.pk)
    for post in Post.objects.filter(pk__in=removed.get("likes", [])).exclude(likes__member=member):
        PostLike.objects.create(post=post, member=member)
        count_like(post=post, member=member, delta=1)
    _recount(topic_ids)
    recount_featured(member.pk)
    logger.info("member's content restored", extra={"member_id": member.pk, "by": actor.pk})
