"""Deciding on held posts (newcomers' first posts): through the case each one waits in, so the decision
is logged and the queue stays right."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boards.models import Post
from members.models import User
from moderation.services.actions import act_directly


def post_approve(*, post: Post, moderator: User) -> Post:
    """A moderator lets a held post out: logged, and its case in the queue resolved."""
    act_directly(actor=moderator, action="approve", reason="", post=post)
    post.refresh_from_db()
    return post


def post_reject(*, post: Post, moderator: User, reason: str) -> Post:
    """A moderator turns a held post down: logged, and its case in the queue resolved."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why, so the member can do better next time.")})
    act_directly(actor=moderator, action="reject", reason=reason, post=post)
    post.refresh_from_db()
    return post
