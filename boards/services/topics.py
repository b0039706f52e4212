"""Retitling and moving topics, with every counter moved along."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from boards import permissions, signals
from boards.models import Board, Topic
from boards.services.counters import recount_board_last_post
from boards.services.posting import make_slug, validate_title
from members.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def topic_retitle_move(*, topic: Topic, actor: User, title: str, board: Board, log_action: bool = True) -> Topic:
    """Retitle a topic and/or move it to another board. `log_action` False: the caller (a moderation act)
    logs it itself."""
    title = validate_title(title)
    topic = Topic.objects.select_for_update().select_related("board", "author").get(pk=topic.pk)
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
