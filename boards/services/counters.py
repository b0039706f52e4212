"""The denormalized counters of boards, topics and members, and the versions that key cached fragments.
Every write that changes what a list shows calls these inside its own transaction."""
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from boards.models import Board, Post, Topic
from members.models import User


def bump(topic_id: int, board_id: int | None = None) -> None:
    """What the topic's pages (and the board's list) show changed: their cached fragments are stale."""
    Topic.objects.filter(pk=topic_id).update(version=F("version") + 1)
    if board_id:
        Board.objects.filter(pk=board_id).update(version=F("version") + 1)


def bump_every_board(**_signal) -> None:
    """The rank ladder changed (an admin saved or deleted a rank, members.Rank): which boards by rank a member
    sees compares their rank's order with each board's rank to read, and the lists of boards cached per
    member order (the index, the forum-wide pins: boards.permissions.board_visibility_key) are keyed by the
    boards' versions, so every one of those goes stale. Connected in BoardsConfig.ready(); rank edits are
    rare."""
    Board.objects.update(version=F("version") + 1)


def count_new_post(*, board_id: int | None, post: Post, new_topic: bool, set_last: bool = True) -> None:
    """Bump the board's (unless None: a held topic is not on the board yet) and the author's counters
    for a post that was just inserted. A held reply is counted but does not become the board's last post."""
    if board_id is not None:
        changes = {"version": F("version") + 1, "post_count": F("post_count") + 1,
                   "topic_count": F("topic_count") + (1 if new_topic else 0)}
        if set_last:
            # GREATEST keeps the newest post even when two transactions commit out of order.
            changes["last_post"] = Greatest(Coalesce(F("last_post_id"), Value(0)), Value(post.pk))
        Board.objects.filter(pk=board_id).update(**changes)
    User.objects.filter(pk=post.author_id).update(
        post_count=F("post_count") + 1,
        topic_count=F("topic_count") + (1 if new_topic else 0),
    )


def count_topic_onto_board(*, topic: Topic, sign: int) -> None:
    """A whole topic comes onto its board's counts (+1: approved, unhidden, moved in) or leaves them (-1)."""
    Board.objects.filter(pk=topic.board_id).update(
        topic_count=F("topic_count") + sign, post_count=F("post_count") + sign * topic.post_count,
        version=F("version") + 1)


def count_reply_received(*, post: Post, topic: Topic, reply_to: Post | None) -> None:
    """The member replied to (or, for a plain reply, the topic's author) received a reply."""
    recipient_id = reply_to.author_id if reply_to is not None else topic.author_id
    if recipient_id != post.author_id:
        User.objects.filter(pk=recipient_id).update(replies_received=F("replies_received") + 1)


def count_like(*, post: Post, member: User, delta: int) -> None:
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + delta)
    Topic.objects.filter(pk=post.topic_id).update(version=F("version") + 1)
    User.objects.filter(pk=member.pk).update(likes_given=F("likes_given") + delta)
    User.objects.filter(pk=post.author_id).update(likes_received=F("likes_received") + delta)


def recount_board_last_post(board_id: int) -> None:
    """The board's newest post that everyone may read (not hidden, held or deleted, in a topic on the board)."""
    last = (Post.objects.filter(topic__board_id=board_id, topic__is_hidden=False, is_hidden=False,
                                is_awaiting_approval=False, deleted_at__isnull=True)
            .order_by("-id").values_list("id", flat=True).first())
    Board.objects.filter(pk=board_id).update(last_post_id=last)


def recount_topic_last_post(topic_id: int) -> None:
    """The topic's last post that everyone may read: the list names its author."""
    last = (Post.objects.filter(topic_id=topic_id, is_hidden=False, is_awaiting_approval=False,
                                deleted_at__isnull=True)
            .order_by("-position").values_list("id", flat=True).first())
    Topic.objects.filter(pk=topic_id).update(last_post_id=last)


def recount_last_posts(topic: Topic) -> None:
    """After a post's visibility changed: the topic's and its board's last posts."""
    recount_topic_last_post(topic.pk)
    recount_board_last_post(topic.board_id)


def recount_featured(author_id: int) -> None:
    """The member's featured (精华) topics that are on the boards: a hidden topic does not count (on the
    profile, or toward a rank's min_featured), and counts again once it is shown. Counted afresh, so that
    every path that features, hides or shows a topic agrees."""
    featured = (Topic.objects.filter(author_id=OuterRef("pk"), featured_level__gt=0, is_hidden=False).order_by()
                .values("author_id").annotate(n=Count("id")).values("n"))
    User.objects.filter(pk=author_id).update(featured_topics=Coalesce(Subquery(featured), 0))
