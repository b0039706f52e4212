"""Reads for the boards pages. Each selector loads everything its page shows in a fixed number of
queries, whatever the page lists."""
from django.conf import settings
from django.db.models import QuerySet

from boards import permissions
from boards.models import Board, Post, Topic
from boards.pagination import PageInfo, page_info


def board_list() -> QuerySet[Board]:
    return Board.objects.select_related("last_post__author", "last_post__topic").order_by("position", "id")


def board_topics_page(*, board: Board, page: str | None) -> tuple[PageInfo, list[Topic]]:
    info = page_info(page, count=board.topic_count, per_page=settings.HEARTH["TOPICS_PER_PAGE"])
    topics = list(
        Topic.objects.filter(board=board).visible().for_list()[info.offset: info.offset + info.per_page]
    )
    return info, topics


def topic_for_viewer(*, topic_id: int, viewer) -> Topic | None:
    topic = Topic.objects.select_related("board").filter(pk=topic_id).first()
    if topic is None or not permissions.can_see_topic(viewer, topic):
        return None
    return topic


def topic_posts_page(*, topic: Topic, page: str | None) -> tuple[PageInfo, list[Post]]:
    """One page of a topic: a range of positions, so page 200 costs what page 1 costs."""
    info = page_info(page, count=topic.post_count, per_page=settings.HEARTH["POSTS_PER_PAGE"])
    posts = list(
        Post.objects.filter(topic=topic, position__gt=info.offset, position__lte=info.offset + info.per_page)
        .for_display()
    )
    return info, posts


def post_page_number(post: Post) -> int:
    return (post.position - 1) // settings.HEARTH["POSTS_PER_PAGE"] + 1


def member_recent_posts(*, member, limit: int = 10) -> list[Post]:
    return list(
        Post.objects.filter(author=member).public()
        .select_related("topic").order_by("-created_at", "-id")[:limit]
    )
