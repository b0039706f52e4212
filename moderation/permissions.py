from django.utils.translation import gettext as _

from boards.permissions import can_moderate, is_admin, is_global_moderator, write_refusal

SITE_WIDE_ACTIONS = {"suspend", "ban", "unban"}  # they reach beyond one board
ADMIN_ACTIONS = {"restore"}


def can_handle_case(user, case) -> bool:
    """Board moderators handle their boards' cases; reports on members are for global moderators."""
    if case.board_id is None:
        return is_global_moderator(user)
    return can_moderate(user, case.board)


def action_refusal(user, case, action: str) -> str | None:
    refusal = write_refusal(user)  # a suspended or banned moderator does not moderate either
    if refusal:
        return refusal
    if not can_handle_case(user, case):
        return _("You don't moderate where this happened.")
    if action in SITE_WIDE_ACTIONS and not is_global_moderator(user):
        return _("Only global moderators and admins can suspend or ban members.")
    if action in ADMIN_ACTIONS and not is_admin(user):
        return _("Only admins can restore deleted posts.")
    return None


def can_see_queue(user) -> bool:
    return is_global_moderator(user) or bool(user.is_authenticated and user.moderated_board_ids)
