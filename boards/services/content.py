"""Changes of content state that moderators make: hide, unhide, delete, restore, lock, pin, hide a topic,
and deciding on held posts. The moderation app decides who may act and logs it; these keep the content
and every counter right, with the target's row locked, and refuse anyone who does not moderate where the
target is now (`actor` None: the system, e.g. an automatic hide)."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions, signals
from boards.models import Board, Post, Topic
from boards.services.counters import (
    bump,
    count_reply_received,
    count_topic_onto_board,
    recount_board_last_post,
    recount_featured,
    recount_last_posts,
    recount_topic_last_post,
)
from members.models import User
from notices.services import notice_create

logger = logging.getLogger(__name__)


def _locked_post(post: Post, actor: User | None) -> Post:
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__board", "author", "reply_to").get(
        pk=post.pk)
    if actor is not None and not permissions.can_moderate(actor, post.topic.board):
        raise PermissionDenied(_("Only this board's moderators can do that."))
    return post


def _locked_topic(topic: Topic, actor: User | None) -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("board", "author").get(pk=topic.pk)
    if actor is not None and not permissions.can_moderate(actor, topic.board):
        raise PermissionDenied(_("Only this board's moderators can do that."))
    return topic


@transaction.atomic
def post_hide(*, post: Post, actor: User | None, reason: str) -> Post:
    post = _locked_post(post, actor)
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=reason[:300])
    post.is_hidden, post.hidden_reason = True, reason[:300]
    bump(post.topic_id, post.topic.board_id)
    recount_last_posts(post.topic)
    return post


@transaction.atomic
def post_unhide(*, post: Post, actor: User | None) -> Post:
    post = _locked_post(post, actor)
    Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_reason="")
    post.is_hidden, post.hidden_reason = False, ""
    bump(post.topic_id, post.topic.board_id)
    recount_last_posts(post.topic)
    return post


@transaction.atomic
def post_clear(*, post: Post, actor: User, unhide: bool) -> Post:
    """A moderator looked at the reports against a post and kept it: the reporters so far cannot hide it
    again by reporting, and (`unhide`) a hide pending review is lifted."""
    post = _locked_post(post, actor)
    post.cleared_at = timezone.now()
    changes = {"cleared_at": post.cleared_at}
    if unhide and post.is_hidden and post.deleted_at is None:
        changes.update(is_hidden=False, hidden_reason="")
        post.is_hidden, post.hidden_reason = False, ""
    Post.objects.filter(pk=post.pk).update(**changes)
    if "is_hidden" in changes:
        bump(post.topic_id, post.topic.board_id)
        recount_last_posts(post.topic)
    return post


@transaction.atomic
def post_delete(*, post: Post, actor: User, reason: str) -> Post:
    post = _locked_post(post, actor)
    post.deleted_at = timezone.now()
    Post.objects.filter(pk=post.pk).update(deleted_at=post.deleted_at, is_hidden=True, hidden_reason=reason[:300])
    post.is_hidden, post.hidden_reason = True, reason[:300]
    bump(post.topic_id, post.topic.board_id)
    recount_last_posts(post.topic)
    return post


@transaction.atomic
def post_restore(*, post: Post, actor: User) -> Post:
    post = _locked_post(post, actor)
    Post.objects.filter(pk=post.pk).update(deleted_at=None, is_hidden=False, hidden_reason="")
    post.deleted_at, post.is_hidden, post.hidden_reason = None, False, ""
    bump(post.topic_id, post.topic.board_id)
    recount_last_posts(post.topic)
    return post


TOPIC_FLAGS = {"lock": ("is_locked", True), "unlock": ("is_locked", False), "pin": ("is_pinned", True),
               "unpin": ("is_pinned", False)}


@transaction.atomic
def topic_set_flag(*, topic: Topic, actor: User | None, verb: str, until=None,
                   scope: str = Topic.PinScope.BOARD) -> Topic:
    """lock, unlock, pin or unpin. A pin may carry an `until` (None: until unpinned) and a `scope`: this
    board, or the whole forum (admins only: it shows at the top of every board's list); unpinning clears
    both. `actor` None: the system (a pin that expired)."""
    field, value = TOPIC_FLAGS[verb]
    topic = _locked_topic(topic, actor)
    changes = {field: value}
    if field == "is_pinned":
        if value and scope not in Topic.PinScope.values:
            raise ValidationError({"scope": _("Pin for this board or for the whole forum.")})
        refusal = permissions.pin_scope_refusal(actor, topic, scope if value else Topic.PinScope.BOARD)
        if refusal:
            raise PermissionDenied(refusal)
        if value and until is not None and until <= timezone.now():
            raise ValidationError({"until": _("Pick a time in the future.")})
        changes["pinned_until"] = until if value else None
        changes["pin_scope"] = scope if value else Topic.PinScope.BOARD
    Topic.objects.filter(pk=topic.pk).update(**changes)
    for name, changed in changes.items():
        setattr(topic, name, changed)
    # (forum-wide pins show above the other boards' lists outside their cached fragments: nothing else is stale)
    bump(topic.pk, topic.board_id)
    return topic


FEATURED_LEVELS = (1, 2, 3)


@transaction.atomic
def topic_feature(*, topic: Topic, actor: User, level: int | None, until=None) -> Topic:
    """Mark a topic 精华 (featured) at `level` 1–3, until a time or (None) until unfeatured. Featuring it
    again changes the level and the until; the author's count of featured topics moves only on the first."""
    if level not in FEATURED_LEVELS:
        raise ValidationError({"level": _("Pick a featured level from 1 to 3.")})
    now = timezone.now()
    if until is not None and until <= now:
        raise ValidationError({"until": _("Pick a time in the future.")})
    topic = _locked_topic(topic, actor)
    was_featured = topic.featured_level > 0
    changes = {"featured_level": level, "featured_until": until}
    if not was_featured:
        changes["featured_at"] = now
    Topic.objects.filter(pk=topic.pk).update(**changes)
    for name, value in changes.items():
        setattr(topic, name, value)
    if not was_featured:
        recount_featured(topic.author_id)
    bump(topic.pk, topic.board_id)
    return topic


@transaction.atomic
def topic_unfeature(*, topic: Topic, actor: User | None) -> Topic:
    """Take the 精华 mark off (`actor` None: the system, when it expired)."""
    topic = _locked_topic(topic, actor)
    if topic.featured_level == 0:
        raise ValidationError(_("This topic is not featured."))
    Topic.objects.filter(pk=topic.pk).update(featured_level=0, featured_at=None, featured_until=None)
    topic.featured_level, topic.featured_at, topic.featured_until = 0, None, None
    recount_featured(topic.author_id)
    bump(topic.pk, topic.board_id)
    return topic


def topics_expired(*, now) -> tuple[list[int], list[int]]:
    """The topics whose pin, and those whose 精华 mark, ran out by `now` (ids; the caller locks each)."""
    pins = list(Topic.objects.filter(is_pinned=True, pinned_until__lte=now).values_list("pk", flat=True))
    features = list(Topic.objects.filter(featured_level__gt=0, featured_until__lte=now)
                    .values_list("pk", flat=True))
    return pins, features


@transaction.atomic
def topic_set_hidden(*, topic: Topic, actor: User, hidden: bool) -> Topic:
    """Hiding a topic takes it off its board's list and counts; unhiding puts it back."""
    topic = _locked_topic(topic, actor)
    if topic.is_hidden == hidden:
        return topic
    if not hidden and Post.objects.filter(topic=topic, position=1, is_awaiting_approval=True).exists():
        # it is hidden because its first post waits: approving that post is what brings it onto the board
        raise ValidationError(_("This topic waits for its first post to be approved: approve the post instead."))
    Topic.objects.filter(pk=topic.pk).update(is_hidden=hidden, version=F("version") + 1)
    count_topic_onto_board(topic=topic, sign=-1 if hidden else 1)
    recount_board_last_post(topic.board_id)
    topic.is_hidden = hidden
    if topic.featured_level:  # a hidden 精华 topic does not count for its author
        recount_featured(topic.author_id)
    return topic


@transaction.atomic
def post_publish_held(*, post: Post, actor: User) -> Post:
    """Let a held post out. A held first post brings its topic onto the board. The author is told."""
    post = _locked_post(post, actor)
    topic = post.topic
    if not post.is_awaiting_approval:
        raise ValidationError(_("This post was already approved."))
    post.is_awaiting_approval = False
    post.save(update_fields=["is_awaiting_approval"])
    Topic.objects.filter(pk=topic.pk).update(version=F("version") + 1)
    if post.position == 1:
        Topic.objects.filter(pk=topic.pk).update(is_hidden=False)
        recount_topic_last_post(topic.pk)
        topic.refresh_from_db(fields=["last_post"])
        Board.objects.filter(pk=topic.board_id).update(
            version=F("version") + 1, topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count,
            last_post=Greatest(Coalesce(F("last_post_id"), Value(0)), Value(topic.last_post_id or post.pk)))
        if topic.featured_level:
            recount_featured(topic.author_id)
    else:
        count_reply_received(post=post, topic=topic, reply_to=post.reply_to)
        Topic.objects.filter(pk=topic.pk).update(last_post_at=Greatest(F("last_post_at"), Value(post.created_at)))
        recount_last_posts(topic)
    User.objects.filter(pk=post.author_id).update(approved_posts=F("approved_posts") + 1)
    notice_create(recipient=post.author, verb="post_published", params={"topic": topic.title},
                  url=post.get_absolute_url())
    signals.post_published.send(sender=Post, post=post, created=False)
    logger.info("post approved", extra={"post_id": post.pk, "by": actor.pk})
    return post


@transaction.atomic
def post_refuse_held(*, post: Post, actor: User, reason: str) -> Post:
    """Turn a held post down: it stays hidden, with the reason its author sees."""
    post = _locked_post(post, actor)
    if not post.is_awaiting_approval:
        raise ValidationError(_("This post is no longer waiting for approval."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the member can do better next time.")})
    post.is_awaiting_approval = False
    post.is_hidden = True
    post.hidden_reason = reason.strip()[:300]
    post.save(update_fields=["is_awaiting_approval", "is_hidden", "hidden_reason"])
    Topic.objects.filter(pk=post.topic_id).update(version=F("version") + 1)
    notice_create(recipient=post.author, verb="post_refused", params={"topic": post.topic.title,
                                                                      "reason": post.hidden_reason},
                  url=post.get_absolute_url())
    return post
