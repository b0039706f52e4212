"""Writes to boards, topics and posts. Each function is one transaction and keeps every
denormalized counter (board and topic counts, last posts, post positions, member counts) exact."""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from boards import permissions, selectors
from boards.models import Board, Post, PostRevision, ScheduledTopic, Topic
from boards.rendering import render_markdown
from members.models import User

logger = logging.getLogger(__name__)


def make_slug(title: str) -> str:
    """A readable slug for any title, Chinese included; never empty."""
    return slugify(title, allow_unicode=True)[:150].strip("-") or "topic"


def validate_title(title: str) -> str:
    title = " ".join((title or "").split())
    limit = settings.HEARTH["TITLE_MAX_CHARS"]
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    if len(title) > limit:
        raise ValidationError({"title": _("Keep the title under %(limit)d characters.") % {"limit": limit}})
    return title


def validate_body(body: str) -> str:
    body = selectors.normalize_body(body)
    limit = settings.HEARTH["BODY_MAX_CHARS"]
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > limit:
        raise ValidationError({"body": _("Posts can be at most %(limit)d characters; this one has %(count)d.")
                               % {"limit": limit, "count": len(body)}})
    return body


def _count_new_post(*, board_id: int, post: Post, new_topic: bool) -> None:
    """Bump the board's and the author's counters for a post that was just inserted."""
    Board.objects.filter(pk=board_id).update(
        version=F("version") + 1,
        post_count=F("post_count") + 1,
        topic_count=F("topic_count") + (1 if new_topic else 0),
        # GREATEST keeps the newest post even when two transactions commit out of order.
        last_post=Greatest(Coalesce(F("last_post_id"), Value(0)), Value(post.pk)),
    )
    User.objects.filter(pk=post.author_id).update(
        post_count=F("post_count") + 1,
        topic_count=F("topic_count") + (1 if new_topic else 0),
    )


@transaction.atomic
def topic_create(*, board: Board, author: User, title: str, body: str) -> Topic:
    title = validate_title(title)
    body = validate_body(body)
    body_html = render_markdown(body)
    board = Board.objects.select_for_update().get(pk=board.pk)
    permissions.check_start_topic(author, board)

    duplicate = selectors.recent_duplicate_topic(board=board, author=author, title=title, body=body)
    if duplicate is not None:
        return duplicate

    now = timezone.now()
    topic = Topic.objects.create(board=board, author=author, title=title, slug=make_slug(title),
                                 created_at=now, last_post_at=now, post_count=1)
    post = Post.objects.create(topic=topic, author=author, position=1, body=body, body_html=body_html,
                               created_at=now)
    Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=post)
    topic.first_post = topic.last_post = post
    _count_new_post(board_id=board.pk, post=post, new_topic=True)
    logger.info("topic created", extra={"topic_id": topic.pk, "by": author.pk})
    return topic


@transaction.atomic
def post_create(*, topic: Topic, author: User, body: str, reply_to: Post | None = None) -> Post:
    body = validate_body(body)
    body_html = render_markdown(body)
    # Lock the topic: positions are handed out in order and the duplicate check sees every commit.
    topic = Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)
    permissions.check_reply(author, topic)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise ValidationError({"reply_to": _("You can only reply to a post in this topic.")})

    duplicate = selectors.recent_duplicate_post(topic=topic, author=author, body=body)
    if duplicate is not None:
        return duplicate

    now = timezone.now()
    post = Post.objects.create(topic=topic, author=author, position=topic.post_count + 1, body=body,
                               body_html=body_html, reply_to=reply_to, created_at=now)
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 1, last_post=post, last_post_at=now,
                                             version=F("version") + 1)
    _count_new_post(board_id=topic.board_id, post=post, new_topic=False)
    logger.info("post created", extra={"post_id": post.pk, "topic_id": topic.pk, "by": author.pk})
    return post


@transaction.atomic
def post_edit(*, post: Post, editor: User, body: str, title: str | None = None) -> Post:
    body = validate_body(body)
    if title is not None:
        title = validate_title(title)
    post = Post.objects.select_for_update().select_related("topic__board").get(pk=post.pk)
    permissions.check_edit(editor, post)
    topic = post.topic
    changed = False
    if body != post.body:
        PostRevision.objects.create(post=post, body=post.body, editor=editor)
        post.body = body
        post.body_html = render_markdown(body)
        post.edited_at = timezone.now()
        post.edit_count += 1
        post.save(update_fields=["body", "body_html", "edited_at", "edit_count"])
        changed = True
    if title is not None and post.position == 1 and title != topic.title:
        topic.title = title
        topic.slug = make_slug(title)
        Topic.objects.filter(pk=topic.pk).update(title=title, slug=topic.slug)
        changed = True
    if changed:
        Topic.objects.filter(pk=topic.pk).update(version=F("version") + 1)
        if post.position == 1:  # the title or the first post shows in the board's list
            Board.objects.filter(pk=topic.board_id).update(version=F("version") + 1)
        logger.info("post edited", extra={"post_id": post.pk, "by": editor.pk})
    return post


def board_render_rules(*, board: Board) -> Board:
    board.rules_html = render_markdown(board.rules) if board.rules.strip() else ""
    return board


def _check_schedule(*, author: User, board: Board, title: str, body: str, publish_at) -> tuple[str, str]:
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
    if not permissions.can_schedule_topics(editor, item.board):
        raise PermissionDenied(_("Only admins and this board's moderators can change it."))
    item.title, item.body = _check_schedule(author=editor, board=board, title=title, body=body,
                                            publish_at=publish_at)
    item.board, item.publish_at, item.last_error = board, publish_at, ""
    item.save(update_fields=["board", "title", "body", "publish_at", "last_error", "updated_at"])
    return item


@transaction.atomic
def scheduled_topic_delete(*, item: ScheduledTopic, by: User) -> None:
    item = ScheduledTopic.objects.select_for_update().get(pk=item.pk)
    if item.published_at is not None:
        raise ValidationError(_("This topic has been published already."))
    if not permissions.can_schedule_topics(by, item.board):
        raise PermissionDenied(_("Only admins and this board's moderators can delete it."))
    item.delete()


def scheduled_topics_publish_due(*, now=None, limit: int = 100) -> int:
    """Publish every due scheduled topic, each in its own transaction, exactly once: the row is locked
    (SKIP LOCKED lets two publishers share the work) and marked published in the same transaction
    that creates the topic."""
    now = now or timezone.now()
    published = 0
    for _attempt in range(limit):
        with transaction.atomic():
            item = (ScheduledTopic.objects.select_for_update(skip_locked=True)
                    .select_related("board", "author")
                    .filter(published_at__isnull=True, last_error="", publish_at__lte=now)
                    .order_by("publish_at", "id").first())
            if item is None:
                break
            try:
                if not permissions.can_schedule_topics(item.author, item.board):
                    raise PermissionDenied(_("The author no longer moderates this board."))
                with transaction.atomic():
                    topic = topic_create(board=item.board, author=item.author, title=item.title, body=item.body)
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
