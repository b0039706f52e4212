"""What moderation does when the boards layer tells it something (boards.signals): connected in
ModerationConfig.ready(), run inside the sender's transaction."""
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from boards.freshness import in_launch_phase
from boards.models import Post
from members.models import User
from moderation.models import Case, ModerationAction
from moderation.services import hold_for_approval, log, signup_case_open
from notices.services import notice_create


def open_approval_case(sender, *, post: Post, reason: str = "", **kwargs) -> None:
    hold_for_approval(post, reason=reason)


def open_signup_case(sender, *, member: User, held_terms: str = "", **kwargs) -> None:
    """members.signals.member_waiting_to_join: the new account waits in the queue for a moderator."""
    signup_case_open(member=member, held_terms=held_terms)


def tell_admins_in_launch_phase(sender, *, post: Post, **kwargs) -> None:
    """While the forum is young (boards.freshness.in_launch_phase) a held post may be its first visitor's
    first word: the admins hear of it at once rather than in the daily reminder."""
    if not in_launch_phase():
        return
    topic = post.topic
    params = {"author": post.author.username, "topic": topic.title, "board": topic.board.name}
    url = reverse("moderation:approvals")
    for admin in User.objects.filter(is_active=True, is_superuser=True).exclude(pk=post.author_id).order_by("pk"):
        notice_create(recipient=admin, verb="post_held_launch", params=params, url=url)


def log_moderator_edit(sender, *, post: Post, editor, **kwargs) -> None:
    """An edit by anyone but the author is a moderator's act; an author's edit of a post with an open case
    or a moderator's edit is worth a moderator's eye: both are logged. The log points at the post (its
    revisions hold the text) and copies no text, so it shows nobody what they may not read."""
    by_author = editor.pk == post.author_id
    watched = post.moderator_edited_at is not None or Case.objects.filter(post=post).exclude(
        state=Case.State.RESOLVED).exists()
    if not by_author or watched:
        topic = post.topic
        log(actor=editor, action=ModerationAction.Action.EDIT, board=topic.board, post=post, topic=topic,
            member=post.author, reason="" if not by_author else "edited by its author")


def cases_follow_the_topic(sender, *, topic, **kwargs) -> None:
    """A moved topic's cases move with it: its new board's moderators handle them, the old board's no longer."""
    Case.objects.filter(Q(topic=topic) | Q(post__topic=topic)).exclude(board_id=topic.board_id).update(
        board_id=topic.board_id)


def log_topic_move(sender, *, topic, actor, before: str, after: str, log_it: bool = True, **kwargs) -> None:
    if log_it:
        log(actor=actor, action=ModerationAction.Action.MOVE, board=topic.board, topic=topic, member=topic.author,
            before=before, after=after)


def cases_follow_the_board_topics(sender, *, target, **kwargs) -> None:
    """All of a board's topics moved into `target`: their cases (and their posts' cases) move with them.
    One UPDATE, whatever the number of topics."""
    Case.objects.filter(Q(topic__board=target) | Q(post__topic__board=target)).exclude(board=target).update(
        board=target)


def log_board_topics_move(sender, *, source, target, actor, topics: int, posts: int, archived: bool,
                          reason: str = "", **kwargs) -> None:
    """One line in the log for the whole move (the house's way for one act on many things, like deleting
    a spammer), on the board the topics are in now."""
    before = _("%(board)s: %(topics)d topics, %(posts)d posts") % {"board": source.name, "topics": topics,
                                                                   "posts": posts}
    after = (_("%(target)s; %(source)s archived") % {"target": target.name, "source": source.name} if archived
             else target.name)
    log(actor=actor, action=ModerationAction.Action.MOVE_ALL, board=target, reason=reason, before=before,
        after=after)


def log_standing_change(sender, *, member, actor, changed: list[str], after: str, **kwargs) -> None:
    """Changes to a member's powers or standing made in the Django admin are logged like those made on
    the site."""
    log(actor=actor, action=ModerationAction.Action.SET_STANDING, member=member,
        reason="changed in the admin: " + ", ".join(changed), after=after)
