"""Who may moderate what. Account state is asked first (members.permissions), then the role, in the
board where the target is now."""
from django.utils.translation import gettext as _

from boards.permissions import (
    authority_refusal,
    can_moderate,
    is_admin,
    is_global_moderator,
    is_moderator_anywhere,
    write_refusal,
)

SITE_WIDE_ACTIONS = {"suspend", "ban", "unban"}  # they reach beyond one board
ADMIN_ACTIONS = {"restore"}
# acts on a member or on their posts: only by someone who outranks them (boards.permissions.authority_refusal)
ON_A_MEMBER = {"warn", "suspend", "ban", "unban", "hide", "delete", "hide_topic", "move", "approve_member",
               "refuse_member"}


def case_board_now(case):
    """Where the case's target is now (a topic may have moved since the case was opened); None for a case
    about a member."""
    if case.post_id:
        return case.post.topic.board
    if case.topic_id:
        return case.topic.board
    return None


def handle_refusal(user, case) -> str | None:
    """Why `user` may not work on `case` (claim it, add notes), or None."""
    refusal = write_refusal(user)
    if refusal:
        return refusal
    return None if can_act_in(user, case_board_now(case)) else _("You don't moderate where this happened.")


def can_handle_case(user, case) -> bool:
    return handle_refusal(user, case) is None


def can_act_in(user, board) -> bool:
    """Board moderators act in their boards; where there is no board (reports on members, new accounts
    waiting to be let in), only global moderators and admins do."""
    if board is None:
        return is_global_moderator(user)
    return can_moderate(user, board)


def action_refusal(user, board, action: str, member=None) -> str | None:
    """Why `user` may not take `action` on something in `board` (None: a member, site-wide), or None.
    `member`: whose account or content it is; acting on them needs a higher role than theirs."""
    refusal = write_refusal(user)  # a suspended or banned moderator does not moderate either
    if refusal:
        return refusal
    if not can_act_in(user, board):
        return _("You don't moderate where this happened.")
    if action in SITE_WIDE_ACTIONS and not is_global_moderator(user):
        return _("Only global moderators and admins can suspend or ban members.")
    if action in ADMIN_ACTIONS and not is_admin(user):
        return _("Only admins can restore deleted posts.")
    if action in ON_A_MEMBER:  # suspending or banning reaches beyond the board: roles are compared site-wide
        return authority_refusal(user, member, None if action in SITE_WIDE_ACTIONS else board)
    return None


def can_see_queue(user) -> bool:
    return is_moderator_anywhere(user)
