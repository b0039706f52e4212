"""Who finds what in search. The same rule as the topic pages (boards.permissions), written as SQL over
the live columns of the posts and topics, so moderation never has to touch the index:

- everyone: posts that are not hidden, not held for approval and not deleted, in topics not hidden;
- board moderators: besides, the posts of their boards that are not deleted (hidden, held, or in a
  hidden topic);
- global moderators: every post that is not deleted;
- admins: every post.

Authors do not find their own hidden or held posts here (they see them on the topic page). Nobody finds
anything in a board they may not see (a board by rank above theirs: boards.permissions.hidden_board_ids).
"""
from boards.permissions import hidden_board_ids, is_admin, is_global_moderator, moderated_board_ids


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
    hidden = sorted(hidden_board_ids(viewer, using=using))
    if hidden:
        where = f"{where} AND t.board_id NOT IN ({', '.join(['%s'] * len(hidden))})"
        params = [*params, *hidden]
    return where, params
