"""Writes to boards, topics and posts. Each function is one transaction and keeps every
denormalized counter (board and topic counts, last posts, post positions, member counts) exact."""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards import permissions, selectors
from boards.models import Board, Post, PostLike, PostRevision, ScheduledTopic, Topic, TopicRead
from boards.rendering import render_markdown
from members.models import User

logger = logging.getLogger(__name__)


RESERVED_SLUGS = {"reply", "unread", "manage"}  # words the topic URLs use after /t/<id>/


def make_slug(title: str) -> str:
    """A readable slug for any title, Chinese included; never empty, never a reserved word."""
    slug = slugify(title, allow_unicode=True)[:150].strip("-") or "topic"
    return f"{slug}-topic" if slug in RESERVED_SLUGS else slug


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


def _count_new_post(*, board_id: int | None, post: Post, new_topic: bool, set_last: bool = True) -> None:
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


def _check_rank_limits(*, author: User, board: Board, body_html: str):
    """The author's rank decides how many links and images a post may carry, and whether it waits
    for a moderator. Returns (rank, held)."""
    from members.ranks import effective_rank

    rank = effective_rank(author)
    if rank is None or permissions.can_moderate(author, board):
        return rank, False
    links_count, images = body_html.count("<a "), body_html.count("<img ")
    if rank.max_links is not None and links_count > rank.max_links:
        raise ValidationError({"body": ngettext(
            "As a %(rank)s you can include at most %(n)d link in a post.",
            "As a %(rank)s you can include at most %(n)d links in a post.", rank.max_links)
            % {"rank": rank.name, "n": rank.max_links}})
    if rank.max_images is not None and images > rank.max_images:
        raise ValidationError({"body": ngettext(
            "As a %(rank)s you can include at most %(n)d image in a post.",
            "As a %(rank)s you can include at most %(n)d images in a post.", rank.max_images)
            % {"rank": rank.name, "n": rank.max_images}})
    return rank, author.approved_posts < rank.approval_posts


@transaction.atomic
def topic_create(*, board: Board, author: User, title: str, body: str, dedupe: bool = True) -> Topic:
    """Start a topic. With `dedupe`, the same topic sent twice within seconds (a double submit) is
    created once; scheduled publishing turns that off, since two drafts may be alike on purpose."""
    title = validate_title(title)
    body = validate_body(body)
    body_html = render_markdown(body)
    board = Board.objects.select_for_update().get(pk=board.pk)
    permissions.check_start_topic(author, board)

    if dedupe:
        duplicate = selectors.recent_duplicate_topic(board=board, author=author, title=title, body=body)
        if duplicate is not None:
            return duplicate
    _rank, held = _check_rank_limits(author=author, board=board, body_html=body_html)

    now = timezone.now()
    # A held topic stays off the board (hidden, and not counted) until a moderator approves it.
    topic = Topic.objects.create(board=board, author=author, title=title, slug=make_slug(title),
                                 created_at=now, last_post_at=now, post_count=1, is_hidden=held)
    post = Post.objects.create(topic=topic, author=author, position=1, body=body, body_html=body_html,
                               created_at=now, is_awaiting_approval=held)
    Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=post)
    topic.first_post = topic.last_post = post
    _count_new_post(board_id=None if held else board.pk, post=post, new_topic=True)
    if held:
        _queue_for_approval(post)
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
    _rank, held = _check_rank_limits(author=author, board=topic.board, body_html=body_html)

    now = timezone.now()
    # A held reply takes its place in the topic at once; others see a placeholder until it is approved.
    post = Post.objects.create(topic=topic, author=author, position=topic.post_count + 1, body=body,
                               body_html=body_html, reply_to=reply_to, created_at=now, is_awaiting_approval=held)
    if held:
        _queue_for_approval(post)
    else:
        _count_reply_received(post=post, topic=topic, reply_to=reply_to)
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 1, last_post=post, last_post_at=now,
                                             version=F("version") + 1)
    # a hidden (or held) topic is not on its board's counts: approving or unhiding it counts it whole
    _count_new_post(board_id=None if topic.is_hidden else topic.board_id, post=post, new_topic=False,
                    set_last=not held)
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
    before = post.body
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
    if changed and editor.pk != post.author_id:
        from moderation.services import log

        log(actor=editor, action="edit", board=topic.board, post=post, topic=topic, member=post.author,
            before=before, after=post.body)
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


def _queue_for_approval(post: Post) -> None:
    from moderation.services import hold_for_approval

    hold_for_approval(post)


def _count_reply_received(*, post: Post, topic: Topic, reply_to: Post | None) -> None:
    """The member replied to (or, for a plain reply, the topic's author) received a reply."""
    recipient_id = reply_to.author_id if reply_to is not None else topic.author_id
    if recipient_id != post.author_id:
        User.objects.filter(pk=recipient_id).update(replies_received=F("replies_received") + 1)


def post_approve(*, post: Post, moderator: User) -> Post:
    """A moderator lets a held post out: logged, and its case in the queue resolved."""
    from moderation.services import act_directly

    act_directly(actor=moderator, action="approve", reason="", post=post)
    post.refresh_from_db()
    return post


def post_reject(*, post: Post, moderator: User, reason: str) -> Post:
    """A moderator turns a held post down: logged, and its case in the queue resolved."""
    from moderation.services import act_directly

    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why, so the member can do better next time.")})
    act_directly(actor=moderator, action="reject", reason=reason, post=post)
    post.refresh_from_db()
    return post


@transaction.atomic
def publish_held_post(*, post: Post, moderator: User) -> Post:
    """Let a held post out (call post_approve, which logs). A held first post brings its topic onto the
    board."""
    from members.services import notice_create

    post = Post.objects.select_for_update(of=("self",)).select_related("topic__board", "author", "reply_to").get(
        pk=post.pk)
    topic = post.topic
    if not permissions.can_moderate(moderator, topic.board):
        raise PermissionDenied(_("Only this board's moderators can approve its posts."))
    if not post.is_awaiting_approval:
        raise ValidationError(_("This post was already approved."))
    post.is_awaiting_approval = False
    post.save(update_fields=["is_awaiting_approval"])
    Topic.objects.filter(pk=topic.pk).update(version=F("version") + 1)
    if post.position == 1:
        Topic.objects.filter(pk=topic.pk).update(is_hidden=False)
        Board.objects.filter(pk=topic.board_id).update(
            version=F("version") + 1, topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count,
            last_post=Greatest(Coalesce(F("last_post_id"), Value(0)), Value(topic.last_post_id or post.pk)))
    else:
        _count_reply_received(post=post, topic=topic, reply_to=post.reply_to)
    User.objects.filter(pk=post.author_id).update(approved_posts=F("approved_posts") + 1)
    notice_create(recipient=post.author, title=_("Your post in “%(topic)s” is published") % {"topic": topic.title},
                  url=post.get_absolute_url())
    logger.info("post approved", extra={"post_id": post.pk, "by": moderator.pk})
    return post


@transaction.atomic
def refuse_held_post(*, post: Post, moderator: User, reason: str) -> Post:
    """Turn a held post down (call post_reject, which logs): it stays hidden, with the reason its author
    sees."""
    from members.services import notice_create

    post = Post.objects.select_for_update().select_related("topic__board", "author").get(pk=post.pk)
    if not permissions.can_moderate(moderator, post.topic.board):
        raise PermissionDenied(_("Only this board's moderators can decide on its posts."))
    if not post.is_awaiting_approval:
        raise ValidationError(_("This post is no longer waiting for approval."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the member can do better next time.")})
    post.is_awaiting_approval = False
    post.is_hidden = True
    post.hidden_reason = reason.strip()[:300]
    post.save(update_fields=["is_awaiting_approval", "is_hidden", "hidden_reason"])
    Topic.objects.filter(pk=post.topic_id).update(version=F("version") + 1)
    notice_create(recipient=post.author, title=_("Your post in “%(topic)s” was not published")
                  % {"topic": post.topic.title}, body=post.hidden_reason, url=post.get_absolute_url())
    return post


def like_refusal(member: User, post: Post) -> str | None:
    refusal = permissions.write_refusal(member)
    if refusal:
        return refusal
    if post.author_id == member.pk:
        return _("You can't like your own post.")
    if post.is_hidden or post.is_awaiting_approval or post.deleted_at or post.topic.is_hidden:
        return _("You can't like a hidden post.")
    return None


@transaction.atomic
def post_like(*, member: User, post: Post) -> Post:
    post = Post.objects.select_related("topic").get(pk=post.pk)
    reason = like_refusal(member, post)
    if reason:
        raise PermissionDenied(reason)
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, member=member)
    except IntegrityError:
        raise ValidationError(_("You already like this post.")) from None
    _count_like(post=post, member=member, delta=1)
    return post


@transaction.atomic
def post_unlike(*, member: User, post: Post) -> Post:
    deleted, _rows = PostLike.objects.filter(post=post, member=member).delete()
    if not deleted:
        raise ValidationError(_("You don't like this post yet."))
    _count_like(post=post, member=member, delta=-1)
    return post


def _count_like(*, post: Post, member: User, delta: int) -> None:
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + delta)
    Topic.objects.filter(pk=post.topic_id).update(version=F("version") + 1)
    User.objects.filter(pk=member.pk).update(likes_given=F("likes_given") + delta)
    User.objects.filter(pk=post.author_id).update(likes_received=F("likes_received") + delta)


def topic_mark_read(*, member: User, topic: Topic, position: int, known: TopicRead | None = None) -> None:
    """Move the member's read position forward (never back), counting posts read and topics entered.
    `known` is the row the caller loaded (None: the member never opened this topic). Each change is a
    compare-and-set, so two tabs racing count every post once. Re-reading costs nothing."""
    if known is not None and position <= known.last_position:
        return
    _move_read_position(member=member, topic=topic, position=position, known=known)


@transaction.atomic(savepoint=False)  # two statements, all or nothing; no savepoint inside a request
def _move_read_position(*, member: User, topic: Topic, position: int, known: TopicRead | None) -> None:
    table = TopicRead._meta.db_table
    with connection.cursor() as cursor:
        if known is None:
            cursor.execute(
                f"INSERT INTO {table} (member_id, topic_id, last_position, updated_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
                "ON CONFLICT (member_id, topic_id) DO NOTHING",
                [member.pk, topic.pk, position, timezone.now()])
            delta, entered = position, 1
        else:
            cursor.execute(
                f"UPDATE {table} SET last_position = %s, updated_at = %s WHERE id = %s AND last_position = %s",  # noqa: S608
                [position, timezone.now(), known.pk, known.last_position])
            delta, entered = position - known.last_position, 0
        if cursor.rowcount != 1:
            return  # another request moved it first and counted those posts
    User.objects.filter(pk=member.pk).update(posts_read=F("posts_read") + delta,
                                             topics_entered=F("topics_entered") + entered)


@transaction.atomic
def topic_retitle_move(*, topic: Topic, actor: User, title: str, board: Board, log_action: bool = True) -> Topic:
    """Retitle a topic and/or move it to another board, with every counter moved along."""
    title = validate_title(title)
    topic = Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)
    if not permissions.can_retitle_and_move(actor, topic):
        raise PermissionDenied(_("You can't retitle or move this topic."))
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
            _recount_last_post(board_id)
    else:
        Board.objects.filter(pk=old_board_id).update(version=F("version") + 1)
    logger.info("topic retitled/moved", extra={"topic_id": topic.pk, "by": actor.pk})
    before = f"{topic.board.name}: {topic.title}"
    topic.refresh_from_db()
    if log_action:
        from moderation.services import log

        log(actor=actor, action="move", board=topic.board, topic=topic, member=topic.author, before=before,
            after=f"{board.name}: {topic.title}")
    return topic


def _recount_last_post(board_id: int) -> None:
    last = (Post.objects.filter(topic__board_id=board_id, topic__is_hidden=False, is_hidden=False)
            .order_by("-id").values_list("id", flat=True).first())
    Board.objects.filter(pk=board_id).update(last_post_id=last)
