"""Board moderator appointments as content data: who moderates which board. Deciding who is appointed
(proposals, admins' decisions, the history and the log) is the standing app's."""
from django.db import transaction
from django.db.models import F

from boards import permissions
from boards.models import Board, BoardModerator
from members.models import User


@transaction.atomic
def board_moderator_add(*, board: Board, member: User, granted_by: User | None, reason: str,
                        is_automatic: bool = False) -> tuple[BoardModerator, bool]:
    """Appoint; returns (appointment, created). Appointing twice is one appointment."""
    appointment, created = BoardModerator.objects.get_or_create(
        board=board, member=member,
        defaults={"granted_by": granted_by, "reason": reason[:300], "is_automatic": is_automatic})
    if created:
        Board.objects.filter(pk=board.pk).update(version=F("version") + 1)  # the board page lists its moderators
        permissions.forget_moderated_boards(member)
    return appointment, created


@transaction.atomic
def board_moderator_remove(*, board: Board, member: User) -> bool:
    deleted, _rows = BoardModerator.objects.filter(member=member, board=board).delete()
    if not deleted:
        return False
    Board.objects.filter(pk=board.pk).update(version=F("version") + 1)
    still = BoardModerator.objects.filter(member=member).exists()
    User.objects.filter(pk=member.pk).update(is_board_moderator=still)
    member.is_board_moderator = still
    permissions.forget_moderated_boards(member)
    return True
