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
