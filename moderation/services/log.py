"""The moderation log (append-only) and the board rules a decision may cite."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boards.models import Board
from moderation.models import ModerationAction


def log(*, actor, action: str, reason: str = "", rule: str = "", board=None, case=None, post=None, topic=None,
        member=None, before: str = "", after: str = "") -> ModerationAction:
    return ModerationAction.objects.create(
        actor=actor, action=action, reason=reason[:500], rule=rule[:300], board=board, case=case, post=post,
        topic=topic, member=member, before=before, after=after)


def board_rules(board: Board | None) -> list[str]:
    """The board's published rules, one per line, for citing in a decision."""
    if board is None or not board.rules:
        return []
    return [line.strip() for line in board.rules.splitlines() if line.strip()]


def check_rule(rule: str, board: Board | None) -> None:
    if rule and rule not in board_rules(board):
        raise ValidationError({"rule": _("Pick one of the board's published rules.")})
