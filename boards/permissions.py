"""Who may do what. `can_*` answers, `check_*` raises PermissionDenied with a reason a person can read."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def check_admin(user, message: str) -> None:
    if not is_admin(user):
        raise PermissionDenied(message)


def is_global_moderator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_global_moderator))


def can_moderate(user, board) -> bool:
    """Admins and global moderators moderate every board; board moderators their own boards."""
    if is_global_moderator(user):
        return True
    return bool(user.is_authenticated and user.is_active and board.pk in user.moderated_board_ids)


def can_schedule_topics(user, board=None) -> bool:
    """Admins and moderators write seed topics ahead, for the boards they moderate."""
    if write_refusal(user):
        return False
    if board is None:
        return is_global_moderator(user) or bool(user.is_authenticated and user.moderated_board_ids)
    return can_moderate(user, board)


def posting_refusal(user, board, topic=None) -> str | None:
    """Why `user` may not post in `board` (or reply to `topic`), or None when they may."""
    if not user.is_authenticated:
        return _("Log in to post.")
    if not user.is_active:
        return _("This account is disabled.")
    if user.is_banned:
        return _("Your account is banned: you can read, but not post.")
    if user.suspended_until and user.suspended_until > timezone.now():
        return _("Your account is suspended until %(until)s: you can read, but not post.") % {
            "until": timezone.localtime(user.suspended_until).strftime("%Y-%m-%d %H:%M")}
    if not user.email_verified:
        return _("Confirm your email address before posting. Check your inbox or resend the link from your account.")
    if board.is_archived:
        return _("This board is archived and takes no new posts.")
    if topic is not None and topic.is_locked and not can_moderate(user, board):
        return _("This topic is locked.")
    if topic is not None and topic.is_hidden and not can_moderate(user, board):
        return _("This topic is hidden.")
    return None


def can_start_topic(user, board) -> bool:
    return posting_refusal(user, board) is None


def can_reply(user, topic) -> bool:
    return posting_refusal(user, topic.board, topic) is None


def check_start_topic(user, board) -> None:
    reason = posting_refusal(user, board)
    if reason:
        raise PermissionDenied(reason)


def check_reply(user, topic) -> None:
    reason = posting_refusal(user, topic.board, topic)
    if reason:
        raise PermissionDenied(reason)


def edit_refusal(user, post) -> str | None:
    board = post.topic.board
    refusal = write_refusal(user)
    if refusal:
        return refusal
    if post.deleted_at is not None and not is_admin(user):
        return _("This post was deleted.")
    if can_moderate(user, board):
        return None
    if not user.is_authenticated or post.author_id != user.pk:
        return _("Only the author or a moderator can edit this post.")
    reason = posting_refusal(user, board, post.topic)
    if reason:
        return reason
    if post.is_hidden:
        return _("This post is hidden.")
    window = timedelta(minutes=settings.HEARTH["EDIT_WINDOW_MINUTES"])
    if timezone.now() - post.created_at > window:
        return _("Posts can be edited for %(minutes)d minutes after posting; this one can no longer be edited.") % {
            "minutes": settings.HEARTH["EDIT_WINDOW_MINUTES"]
        }
    return None


def can_edit(user, post) -> bool:
    return edit_refusal(user, post) is None


def check_edit(user, post) -> None:
    reason = edit_refusal(user, post)
    if reason:
        raise PermissionDenied(reason)


def can_see_topic(user, topic) -> bool:
    """Hidden topics (held for approval, or hidden by a moderator) are seen by moderators and their author."""
    if not topic.is_hidden:
        return True
    return can_moderate(user, topic.board) or (user.is_authenticated and topic.author_id == user.pk)


def can_see_post_body(user, post, *, is_moderator: bool) -> bool:
    """Hidden posts: moderators and the author; deleted ones: admins only."""
    if post.deleted_at is not None:
        return is_admin(user)
    if not (post.is_hidden or post.is_awaiting_approval):
        return True
    return is_moderator or (user.is_authenticated and post.author_id == user.pk)


def can_retitle_and_move(user, topic) -> bool:
    return can_retitle_in_board(user, topic.board)


def can_retitle_in_board(user, board) -> bool:
    """Moderators, and members whose rank allows it in a board they are active in (they posted there
    within their rank's window). Moving a topic needs this on both boards."""
    if can_moderate(user, board):
        return True
    if not (user.is_authenticated and user.is_active and user.rank_id and user.rank.can_retitle_and_move):
        return False
    from boards.models import Post

    since = timezone.now() - timedelta(days=user.rank.window_days or 3650)
    return Post.objects.filter(author=user, topic__board_id=board.pk, created_at__gte=since,
                               is_hidden=False).exists()


def can_see_revisions(user, board) -> bool:
    return can_moderate(user, board)


def write_refusal(user) -> str | None:
    """Why a signed-in member may not write anything (post, like, report), or None."""
    if not user.is_authenticated:
        return _("Log in first.")
    if not user.is_active:
        return _("This account is disabled.")
    if user.is_banned:
        return _("Your account is banned: you can read, but not post, like or report.")
    if user.suspended_until and user.suspended_until > timezone.now():
        return _("Your account is suspended until %(until)s: you can read, but not post, like or report.") % {
            "until": timezone.localtime(user.suspended_until).strftime("%Y-%m-%d %H:%M")}
    if not user.email_verified:
        return _("Confirm your email address first.")
    return None
