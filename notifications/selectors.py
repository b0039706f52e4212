from boards.permissions import visible_boards_q
from forum import lookups
from notifications.models import BoardWatch, Mute, TopicWatch


def followed(member) -> dict:
    """What the member watches or mutes, for the settings page (a few queries, bounded lists), in the boards
    they may see now."""
    return {
        "topic_watches": list(TopicWatch.objects.filter(visible_boards_q(member, "topic__board"), member=member)
                              .exclude(level=TopicWatch.Level.NORMAL).select_related("topic")
                              .order_by("-created_at")[:100]),
        "board_watches": list(BoardWatch.objects.filter(visible_boards_q(member, "board"), member=member)
                              .exclude(level=BoardWatch.Level.NORMAL).select_related("board")
                              .order_by("board__position")),
        "mutes": list(Mute.objects.filter(member=member).select_related("muted").order_by("muted__username")),
    }


def topic_level(member, topic) -> str:
    if not member.is_authenticated:
        return ""
    # on every topic page a member opens: forum.lookups, not a QuerySet
    rows = lookups.values(TopicWatch, ["level"], member_id=member.pk, topic_id=topic.pk)
    return rows[0][0] if rows else TopicWatch.Level.NORMAL


def board_level(member, board) -> str:
    if not member.is_authenticated:
        return ""
    rows = lookups.values(BoardWatch, ["level"], member_id=member.pk, board_id=board.pk)
    return rows[0][0] if rows else BoardWatch.Level.NORMAL


def is_muted(member, other) -> bool:
    return member.is_authenticated and Mute.objects.filter(member=member, muted=other).exists()
