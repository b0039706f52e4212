"""Who finds what in search. The same rule as the topic pages (boards.permissions), written as SQL over
the live columns of the posts and topics, so moderation never has to touch the index:

- everyone: posts that are not hidden, not held for approval and not deleted, in topics not hidden;
- board moderators: besides, the posts of their boards that are not deleted (hidden, held, or in a
  hidden topic);
- global moderators: every post that is not deleted;
- admins: every post.

Authors do not find their own hidden or held posts here (they see them on the topic page). Nobody finds
anything in a board they may not see (a board by rank above theirs): boards.permissions.visible_boards_q,
compiled into the search's SQL as a subquery over the boards (no query of its own).
"""
from boards.models import Board
from boards.permissions import is_admin, is_global_moderator, moderated_board_ids, visible_boards_q


def visibility_sql(viewer, *, using: str = "default") -> tuple[str, list]:
    """A WHERE clause over boards_post `p` and boards_topic `t`, with its parameters."""
    if is_admin(viewer):
        return "1 = 1", []
    if is_global_moderator(viewer):
        return "p.deleted_at IS NULL", []
    public = "(p.is_hidden = %s AND p.is_awaiting_approval = %s AND p.deleted_at IS NULL AND t.is_hidden = %s)"
    boards = sorted(moderated_board_ids(viewer))
    if not boards:
        where, params = public, [False, False, False]
    else:
        marks = ", ".join(["%s"] * len(boards))
        where, params = (f"({public} OR (p.deleted_at IS NULL AND t.board_id IN ({marks})))",
                         [False, False, False, *boards])
    boards_sql, boards_params = (Board.objects.using(using).filter(visible_boards_q(viewer)).values("id")
                                 .query.get_compiler(using).as_sql())
    return f"{where} AND t.board_id IN ({boards_sql})", [*params, *boards_params]
