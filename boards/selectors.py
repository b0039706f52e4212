"""Reads for the boards pages. Each selector loads everything its page shows in a fixed number of
queries, whatever the page lists."""
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from boards import permissions
from boards.models import Board, Post, Topic
from boards.pagination import PageInfo, page_info


def board_list() -> QuerySet[Board]:
    return (Board.objects.select_related("last_post__author", "last_post__topic")
            .defer("last_post__body", "last_post__body_html")
            .order_by("position", "id"))


def boards_version_key() -> str:
    """Changes whenever anything the board index shows changes (every such write bumps a board's version)."""
    from django.db.models import Count, Max, Sum

    row = Board.objects.aggregate(v=Sum("version"), n=Count("id"), m=Max("id"))
    return f"{row['v'] or 0}.{row['n']}.{row['m'] or 0}"


def board_topics_page(*, board: Board, page: str | None) -> tuple[PageInfo, QuerySet[Topic]]:
    """The page's numbers, and its topics as a query not yet run (a cached fragment may not need it)."""
    info = page_info(page, count=board.topic_count, per_page=settings.HEARTH["TOPICS_PER_PAGE"])
    topics = Topic.objects.filter(board=board).visible().for_list()[info.offset: info.offset + info.per_page]
    return info, topics


def topic_for_viewer(*, topic_id: int, viewer) -> Topic | None:
    topic = Topic.objects.select_related("board").filter(pk=topic_id).first()
    if topic is None or not permissions.can_see_topic(viewer, topic):
        return None
    return topic


def topic_posts_page(*, topic: Topic, page: str | None) -> tuple[PageInfo, QuerySet[Post]]:
    """One page of a topic: a range of positions, so page 200 costs what page 1 costs. The posts come
    back as a query not yet run."""
    info = page_info(page, count=topic.post_count, per_page=settings.HEARTH["POSTS_PER_PAGE"])
    posts = Post.objects.filter(
        topic=topic, position__gt=info.offset, position__lte=info.offset + info.per_page).for_display()
    return info, posts


def recent_duplicate_post(*, topic: Topic, author, body: str) -> Post | None:
    """The same author's identical post in this topic from the last few seconds (a double submit)."""
    since = timezone.now() - timedelta(seconds=settings.HEARTH["DUPLICATE_WINDOW_SECONDS"])
    return (Post.objects.filter(topic=topic, author=author, body=normalize_body(body), created_at__gte=since)
            .order_by("-id").first())


def recent_duplicate_topic(*, board: Board, author, title: str, body: str) -> Topic | None:
    """The same author's identical topic in this board from the last few seconds (a double submit)."""
    since = timezone.now() - timedelta(seconds=settings.HEARTH["DUPLICATE_WINDOW_SECONDS"])
    return (Topic.objects.filter(board=board, author=author, title=title, first_post__body=normalize_body(body),
                                 created_at__gte=since).order_by("-id").first())


def normalize_body(body: str) -> str:
    """What gets stored: browsers send CRLF line ends, and surrounding blank space means nothing."""
    return (body or "").replace("\r\n", "\n").strip()


def post_page_number(post: Post) -> int:
    return (post.position - 1) // settings.HEARTH["POSTS_PER_PAGE"] + 1


def member_recent_posts(*, member, limit: int = 10) -> list[Post]:
    return list(
        Post.objects.filter(author=member).public()
        .select_related("topic").order_by("-created_at", "-id")[:limit]
    )


def read_positions(*, member, topics) -> dict[int, int] | None:
    """{topic id: last position read} for the topics of one page; None for visitors. One query."""
    from boards.models import TopicRead

    if not member.is_authenticated:
        return None
    ids = [t.pk for t in topics]
    return dict(TopicRead.objects.filter(member=member, topic_id__in=ids).values_list("topic_id", "last_position"))


def topic_read(*, member, topic):
    from boards.models import TopicRead

    if not member.is_authenticated:
        return None
    return TopicRead.objects.filter(member=member, topic=topic).first()


def liked_post_ids(*, member, posts) -> frozenset[int]:
    from boards.models import PostLike

    if not member.is_authenticated or not posts:
        return frozenset()
    return frozenset(PostLike.objects.filter(member=member, post_id__in=[p.pk for p in posts])
                     .values_list("post_id", flat=True))


def board_moderators(*, board) -> list:
    from boards.models import BoardModerator

    return list(BoardModerator.objects.filter(board=board).select_related("member__rank").order_by("granted_at"))


def awaiting_approval(*, viewer, limit: int = 200) -> list[Post]:
    """Held posts in the boards the viewer moderates, oldest first."""
    posts = (Post.objects.filter(is_awaiting_approval=True).select_related("topic__board", "author__rank")
             .order_by("created_at", "id"))
    if not permissions.is_global_moderator(viewer):
        posts = posts.filter(topic__board_id__in=viewer.moderated_board_ids)
    return list(posts[:limit])
