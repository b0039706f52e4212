"""Account state: who an account is and whether it may write at all. Every write path in every app asks
`write_refusal` first (through its own app's gate), so a banned, suspended, disabled or unverified account,
and one still waiting for a moderator to let it in (or refused), is refused everywhere with the same words.

Roles, from the top: admin (superuser) > global moderator > board moderator (of a board; see
boards.permissions) > everyone else.
"""
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import JoinStatus


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def check_admin(user, message: str) -> None:
    if not is_admin(user):
        raise PermissionDenied(message)


def is_global_moderator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.is_global_moderator))


def is_moderator_anywhere(user) -> bool:
    """Admins, global moderators and members appointed to at least one board: the ones who see the
    moderation menu. From flags on the user row: no query."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.is_global_moderator or user.is_board_moderator))


def is_suspended(user, now=None) -> bool:
    return bool(user.suspended_until and user.suspended_until > (now or timezone.now()))


def write_refusal(user, *, posting: bool = False) -> str | None:
    """Why a member may not write anything (post, like, report, moderate), or None. `posting`: worded for
    the reply and new-topic forms."""
    if not user.is_authenticated:
        return _("Log in to post.") if posting else _("Log in first.")
    if not user.is_active:
        return _("This account is disabled.")
    if user.is_banned:
        return (_("Your account is banned: you can read, but not post.") if posting
                else _("Your account is banned: you can read, but not post, like or report."))
    if is_suspended(user):
        until = {"until": timezone.localtime(user.suspended_until).strftime("%Y-%m-%d %H:%M")}
        return (_("Your account is suspended until %(until)s: you can read, but not post.") % until if posting
                else _("Your account is suspended until %(until)s: you can read, but not post, like or report.")
                % until)
    if user.join_status == JoinStatus.WAITING:  # registration by approval
        return (_("Your account is waiting for a moderator's approval: until then you can read, but not post.")
                if posting else _("Your account is waiting for a moderator's approval: until then you can read, "
                                  "but not post, like or report."))
    if user.join_status == JoinStatus.REFUSED:
        return (_("Your request to join was refused: you can read, but not post.") if posting
                else _("Your request to join was refused: you can read, but not post, like or report."))
    if not user.email_verified:
        return (_("Confirm your email address before posting. Check your inbox or resend the link from your "
                  "account.") if posting else _("Confirm your email address first."))
    return None


def is_waiting_to_join(user) -> bool:
    return bool(user.is_authenticated and user.join_status == JoinStatus.WAITING)


def check_can_write(user) -> None:
    refusal = write_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
