"""How a moderation outcome reads, in the language active when it is read. Notices store the facts
(`outcome_params`) and are worded when shown (moderation.notice_kinds)."""
from django.utils.translation import gettext as _

from moderation.models import ModerationAction


def outcome_params(action: str, *, days: int | None = None, board: str | None = None,
                   level: int | None = None, scope: str | None = None) -> dict:
    params = {"action": action}
    if scope == "forum":
        params["scope"] = scope
    if level is not None:
        params["level"] = level
    if days is not None:
        params["days"] = days
    if board is not None:
        params["board"] = board
    return params


def outcome_text(action: str, *, days: int | None = None, board: str | None = None,
                 level: int | None = None, scope: str | None = None) -> str:
    words = {
        "dismiss": lambda: _("No action needed"),
        "approve": lambda: _("Published"),
        "reject": lambda: _("Not published"),
        "hide": lambda: _("Post hidden"),
        "unhide": lambda: _("Post shown again"),
        "delete": lambda: _("Post deleted"),
        "restore": lambda: _("Post restored"),
        "move": lambda: _("Moved to %(board)s") % {"board": board},
        "warn": lambda: _("Member warned"),
        "suspend": lambda: _("Member suspended for %(days)d days") % {"days": days or 0},
        "ban": lambda: _("Member banned"),
        "unban": lambda: _("Ban or suspension lifted"),
        "feature": lambda: _("Featured (精华) at level %(level)d") % {"level": level or 0},
        "unfeature": lambda: _("No longer featured"),
        "approve_member": lambda: _("Account let in"),
        "refuse_member": lambda: _("Account refused"),
    }
    if action == "pin" and scope == "forum":
        return _("Pinned for the whole forum")
    if action in words:
        return words[action]()
    return str(ModerationAction.Action(action).label)  # lock, unlock, pin, unpin, hide/unhide topic
