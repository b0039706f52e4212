"""Retitling and moving topics, with every counter moved along; and moving all of a board's topics into
another at once."""
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from boards import permissions, signals
from boards.models import Board, ScheduledTopic, Topic
from boards.services.counters import recount_board_last_post
from boards.services.posting import lock_topic, make_slug, validate_title
from members.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def topic_retitle_move(*, topic: Topic, actor: User, title: str, board: Board, log_action: bool = True) -> Topic:
    """Retitle a topic and/or move it to another board. `log_action` False: the caller (a moderation act)
    logs it itself."""
    title = validate_title(title)
    topic = lock_topic(topic.pk, "board", "author")
    if not permissions.can_retitle_and_move(actor, topic):
        raise PermissionDenied(_("You can't retitle or move this topic."))
    refusal = permissions.retitle_refusal(actor, topic)
    if refusal:
        raise PermissionDenied(refusal)
    if board.pk != topic.board_id:
        if board.is_archived:
            raise ValidationError({"board": _("That board is archived.")})
        if not permissions.can_retitle_in_board(actor, board):
            raise PermissionDenied(_("You can only move topics into boards you are active in."))
    old_board_id = topic.board_id
    changes = {"version": F("version") + 1}
    if title != topic.title:
        changes.update(title=title, slug=make_slug(title))
    if board.pk != old_board_id:
        changes["board"] = board
    Topic.objects.filter(pk=topic.pk).update(**changes)
    if board.pk != old_board_id and not topic.is_hidden:
        for board_id, sign in ((old_board_id, -1), (board.pk, 1)):
            Board.objects.filter(pk=board_id).update(
                version=F("version") + 1, topic_count=F("topic_count") + sign,
                post_count=F("post_count") + sign * topic.post_count)
        for board_id in (old_board_id, board.pk):
            recount_board_last_post(board_id)
    else:
        Board.objects.filter(pk=old_board_id).update(version=F("version") + 1)
    logger.info("topic retitled/moved", extra={"topic_id": topic.pk, "by": actor.pk})
    before = f"{topic.board.name}: {topic.title}"
    topic.refresh_from_db()
    signals.topic_moved.send(sender=Topic, topic=topic, actor=actor, before=before,
                             after=f"{board.name}: {topic.title}", log_it=log_action)
    return topic


@dataclass
class BoardTopicsMoved:
    source: Board
    target: Board
    topics: int  # on the boards' lists (hidden and held topics move too, uncounted, as they were)
    posts: int
    unlisted: int  # hidden or held topics moved with them
    drafts: int  # seed topics still to publish, now for the target board
    archived: bool


MOVE_CHUNK = 2000  # topic ids per UPDATE: well under every database's limit on query parameters


def check_move_target(*, source: Board, target: Board) -> None:
    """Where all of a board's topics may go: another board that is open."""
    if target.pk == source.pk:
        raise ValidationError({"target": _("Pick another board: the topics are in this one already.")})
    if target.is_archived:
        raise ValidationError({"target": _("That board is archived and takes no topics. Pick an open board.")})


@transaction.atomic
def board_topics_move(*, source: Board, target: Board, actor: User, archive: bool = False,
                      reason: str = "") -> BoardTopicsMoved:
    """Move every topic of `source` into `target` (admins only), in bulk: the topics change board in a few
    UPDATEs, the boards' counters change by the moved totals and their last posts are recounted, the
    versions of both boards and of every moved topic are bumped (cached lists and pages go stale), and
    seed topics still waiting for `source` now wait for `target`. Members' counters do not change.
    `archive`: the emptied board is archived as well. Higher layers follow through
    signals.board_topics_moved (cases move with their topics, one line in the moderation log, watchers of
    the old board watch the new one)."""
    permissions.check_admin(actor, _("Only admins can move all of a board's topics."))
    reason = (reason or "").strip()[:300]
    # Topics first, then the boards: the order a reply takes (its topic, then its board's counters), so
    # the two never wait for each other. A reply waiting on a locked topic counts on its new board.
    moved = list(Topic.objects.select_for_update().filter(board_id=source.pk).order_by("pk")
                 .values_list("pk", "is_hidden", "post_count"))
    boards = {b.pk: b for b in Board.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    if source.pk not in boards:
        raise ValidationError(_("That board does not exist any more."))
    if target.pk not in boards:
        raise ValidationError({"target": _("That board does not exist any more.")})
    source, target = boards[source.pk], boards[target.pk]
    check_move_target(source=source, target=target)
    listed = [(pk, posts) for pk, hidden, posts in moved if not hidden]
    topic_total, post_total = len(listed), sum(posts for _pk, posts in listed)
    ids = [pk for pk, _hidden, _posts in moved]
    for start in range(0, len(ids), MOVE_CHUNK):
        Topic.objects.filter(pk__in=ids[start:start + MOVE_CHUNK]).update(board_id=target.pk,
                                                                          version=F("version") + 1)
    Board.objects.filter(pk=source.pk).update(
        topic_count=F("topic_count") - topic_total, post_count=F("post_count") - post_total,
        version=F("version") + 1, **({"is_archived": True} if archive else {}))
    Board.objects.filter(pk=target.pk).update(
        topic_count=F("topic_count") + topic_total, post_count=F("post_count") + post_total,
        version=F("version") + 1)
    recount_board_last_post(source.pk)
    recount_board_last_post(target.pk)
    drafts = ScheduledTopic.objects.filter(board_id=source.pk, published_at__isnull=True).update(board_id=target.pk)
    result = BoardTopicsMoved(source=source, target=target, topics=topic_total, posts=post_total,
                              unlisted=len(ids) - topic_total, drafts=drafts, archived=archive)
    signals.board_topics_moved.send(sender=Board, source=source, target=target, actor=actor, topic_ids=ids,
                                    topics=topic_total, posts=post_total, archived=archive, reason=reason)
    logger.info("board topics moved", extra={"source": source.pk, "target": target.pk, "topics": len(ids),
                                             "archived": archive, "by": actor.pk})
    return result
