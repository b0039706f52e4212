"""What moderation does when the boards layer tells it something (boards.signals): connected in
ModerationConfig.ready(), run inside the sender's transaction."""
from boards.models import Post
from moderation.models import ModerationAction
from moderation.services import hold_for_approval, log


def open_approval_case(sender, *, post: Post, **kwargs) -> None:
    hold_for_approval(post)


def log_moderator_edit(sender, *, post: Post, editor, before: str, after: str, **kwargs) -> None:
    """An edit by anyone but the author is a moderator's act: logged."""
    if editor.pk != post.author_id:
        topic = post.topic
        log(actor=editor, action=ModerationAction.Action.EDIT, board=topic.board, post=post, topic=topic,
            member=post.author, before=before, after=after)


def log_topic_move(sender, *, topic, actor, before: str, after: str, log_it: bool = True, **kwargs) -> None:
    if log_it:
        log(actor=actor, action=ModerationAction.Action.MOVE, board=topic.board, topic=topic, member=topic.author,
            before=before, after=after)


def log_standing_change(sender, *, member, actor, changed: list[str], after: str, **kwargs) -> None:
    """Changes to a member's powers or standing made in the Django admin are logged like those made on
    the site."""
    log(actor=actor, action=ModerationAction.Action.SET_STANDING, member=member,
        reason="changed in the admin: " + ", ".join(changed), after=after)
