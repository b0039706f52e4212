"""Likes and read positions: counted exactly, once, however requests race."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions, signals
from boards.models import Post, PostLike, Topic, TopicRead
from boards.services.counters import count_like
from members.models import User


def like_refusal(member: User, post: Post) -> str | None:
    refusal = permissions.write_refusal(member)
    if refusal:
        return refusal
    if not permissions.can_see_topic(member, post.topic):  # the loaders 404 first; a forged call stops here
        return _("You can't like a hidden post.")
    if post.author_id == member.pk:
        return _("You can't like your own post.")
    if post.is_hidden or post.is_awaiting_approval or post.deleted_at or post.topic.is_hidden:
        return _("You can't like a hidden post.")
    return None


@transaction.atomic
def post_like(*, member: User, post: Post) -> Post:
    # with what the board's rank check reads, for the liker here and for the author (the notice) after
    post = Post.objects.select_related("topic__board__view_rank", "author__rank").get(pk=post.pk)
    reason = like_refusal(member, post)
    if reason:
        raise PermissionDenied(reason)
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, member=member)
    except IntegrityError:
        raise ValidationError(_("You already like this post.")) from None
    count_like(post=post, member=member, delta=1)
    signals.post_liked.send(sender=Post, post=post, member=member)
    return post


@transaction.atomic
def post_unlike(*, member: User, post: Post) -> Post:
    permissions.check_can_write(member)  # a banned member's likes stay as they are
    deleted, _rows = PostLike.objects.filter(post=post, member=member).delete()
    if not deleted:
        raise ValidationError(_("You don't like this post yet."))
    count_like(post=post, member=member, delta=-1)
    return post


def topic_mark_read(*, member: User, topic: Topic, position: int, known: TopicRead | None = None,
                    first_shown: int = 1) -> None:
    """Move the member's read position forward (never back), counting posts read and topics entered.
    `known` is the row the caller loaded (None: the member never opened this topic). Only the posts
    shown (`first_shown` to `position`: one page) count as read, so opening page 200 credits 20 posts,
    not 4,000. Each change is a compare-and-set, so two tabs racing count every post once. Re-reading
    costs nothing."""
    if known is not None and position <= known.last_position:
        return
    _move_read_position(member=member, topic=topic, position=position, known=known, first_shown=first_shown)


@transaction.atomic(savepoint=False)  # two statements, all or nothing; no savepoint inside a request
def _move_read_position(*, member: User, topic: Topic, position: int, known: TopicRead | None,
                        first_shown: int) -> None:
    read_before = max(known.last_position if known is not None else 0, first_shown - 1)
    table = TopicRead._meta.db_table
    with connection.cursor() as cursor:
        if known is None:
            cursor.execute(
                f"INSERT INTO {table} (member_id, topic_id, last_position, updated_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
                "ON CONFLICT (member_id, topic_id) DO NOTHING",
                [member.pk, topic.pk, position, timezone.now()])
            delta, entered = position - read_before, 1
        else:
            cursor.execute(
                f"UPDATE {table} SET last_position = %s, updated_at = %s "  # noqa: S608
                "WHERE member_id = %s AND topic_id = %s AND last_position = %s",
                [position, timezone.now(), member.pk, topic.pk, known.last_position])
            delta, entered = position - read_before, 0
        if cursor.rowcount != 1:
            return  # another request moved it first and counted those posts
    User.objects.filter(pk=member.pk).update(posts_read=F("posts_read") + delta,
                                             topics_entered=F("topics_entered") + entered)
