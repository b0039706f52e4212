"""Who sees which health page. Admins see the whole forum; admins and a board's moderators (global
moderators moderate every board) see that board. Anyone else is told nothing exists (404)."""
from django.http import Http404
from django.utils.translation import gettext as _

from boards.models import Board
from boards.permissions import board_for_viewer_or_404, can_moderate
from members.permissions import is_admin


def can_see_forum_stats(user) -> bool:
    return is_admin(user)


def can_see_board_stats(user, board: Board) -> bool:
    return is_admin(user) or can_moderate(user, board)


def check_forum_stats(user) -> None:
    if not can_see_forum_stats(user):
        raise Http404(_("No such page."))


def board_stats_or_404(user, slug: str) -> Board:
    board = board_for_viewer_or_404(user, slug)
    if not can_see_board_stats(user, board):
        raise Http404(_("No such board."))
    return board
