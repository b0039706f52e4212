"""Who may moderate what. Account state is asked first (members.permissions), then the role, in the
board where the target is now."""
from django.utils.translation import gettext as _

from boards.permissions import can_moderate, is_admin, is_global_moderator, is_moderator_anywhere, write_refusal

SITE_WIDE_ACTIONS = {"suspend", "ban", "unban"}  # they reach beyond one board
ADMIN_ACTIONS = {"restore"}


def can_handle_case(user, case) -> bool:
    return can_act_in(user, case.board)


def can_act_in(user, board) -> bool:
    """Board moderators act in their boards; where there is no board (reports on members), only global
    moderators and admins do."""
    if board is None:
        return is_global_moderator(user)
    return can_moderate(user, board)


def action_refusal(user, board, action: str) -> str | None:
    """Why `user` may not take `action` on something in `board` (None: a member, site-wide), or None."""
    refusal = write_refusal(user)  # a suspended or banned moderator does not moderate either
    if refusal:
        return refusal
    if not can_act_in(user, board):
        return _("You don't moderate where this happened.")
    if action in SITE_WIDE_ACTIONS and not is_global_moderator(user):
        return _("Only global moderators and admins can suspend or ban members.")
    if action in ADMIN_ACTIONS and not is_admin(user):
        return _("Only admins can restore deleted posts.")
    return None


def can_see_queue(user) -> bool:
    return is_moderator_anywhere(user)
