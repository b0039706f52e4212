"""Seed topics written ahead, and the publisher that posts each exactly once."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions
from boards.models import Board, ScheduledTopic
from boards.services.posting import topic_create, validate_body, validate_title
from members.models import User

logger = logging.getLogger(__name__)


def _check_schedule(*, author: User, board: Board, title: str, body: str, publish_at) -> tuple[str, str]:
    refusal = permissions.write_refusal(author)
    if refusal:
        raise PermissionDenied(refusal)
    if not permissions.can_schedule_topics(author, board):
        raise PermissionDenied(_("Only admins and this board's moderators can schedule topics here."))
    if board.is_archived:
        raise ValidationError({"board": _("This board is archived and takes no new topics.")})
    if publish_at <= timezone.now():
        raise ValidationError({"publish_at": _("Pick a time in the future.")})
    return validate_title(title), validate_body(body)


@transaction.atomic
def scheduled_topic_create(*, author: User, board: Board, title: str, body: str, publish_at) -> ScheduledTopic:
    title, body = _check_schedule(author=author, board=board, title=title, body=body, publish_at=publish_at)
    return ScheduledTopic.objects.create(author=author, board=board, title=title, body=body, publish_at=publish_at)


@transaction.atomic
def scheduled_topic_update(*, item: ScheduledTopic, editor: User, board: Board, title: str, body: str,
                           publish_at) -> ScheduledTopic:
    item = ScheduledTopic.objects.select_for_update().get(pk=item.pk)
    if item.published_at is not None:
        raise ValidationError(_("This topic has been published already; edit the topic itself."))
    if not permissions.can_edit_scheduled(editor, item):
        raise PermissionDenied(_("Only its author or an admin can change a scheduled topic."))
    item.title, item.body = _check_schedule(author=editor, board=board, title=title, body=body,
                                            publish_at=publish_at)
    item.board, item.publish_at, item.last_error, item.updated_by = board, publish_at, "", editor
    item.save(update_fields=["board", "title", "body", "publish_at", "last_error", "updated_by", "updated_at"])
    logger.info("scheduled topic changed", extra={"scheduled_id": item.pk, "by": editor.pk})
    return item


@transaction.atomic
def scheduled_topic_delete(*, item: ScheduledTopic, by: User) -> None:
    item = ScheduledTopic.objects.select_for_update().get(pk=item.pk)
    if item.published_at is not None:
        raise ValidationError(_("This topic has been published already."))
    if not permissions.can_edit_scheduled(by, item):
        raise PermissionDenied(_("Only its author or an admin can delete a scheduled topic."))
    logger.info("scheduled topic deleted", extra={"scheduled_id": item.pk, "by": by.pk})
    item.delete()


def scheduled_topics_publish_due(*, now=None, limit: int = 100) -> int:
    """Publish every due scheduled topic, each in its own transaction, exactly once: the row is locked
    (SKIP LOCKED lets two publishers share the work) and marked published in the same transaction
    that creates the topic."""
    now = now or timezone.now()
    published = 0
    for _attempt in range(limit):
        with transaction.atomic():
            item = (ScheduledTopic.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("board", "author")
                    .filter(published_at__isnull=True, last_error="", publish_at__lte=now)
                    .order_by("publish_at", "id").first())
            if item is None:
                break
            try:
                if not permissions.can_schedule_topics(item.author, item.board):
                    raise PermissionDenied(_("The author no longer moderates this board."))
                with transaction.atomic():
                    topic = topic_create(board=item.board, author=item.author, title=item.title, body=item.body,
                                         dedupe=False)
            except (PermissionDenied, ValidationError) as exc:
                item.last_error = "; ".join(getattr(exc, "messages", None) or [str(exc)])[:300]
                item.save(update_fields=["last_error", "updated_at"])
                logger.warning("scheduled topic not published", extra={"scheduled_id": item.pk})
                continue
            item.published_topic = topic
            item.published_at = timezone.now()
            item.save(update_fields=["published_topic", "published_at", "updated_at"])
            published += 1
            logger.info("scheduled topic published", extra={"scheduled_id": item.pk, "topic_id": topic.pk})
    return published
