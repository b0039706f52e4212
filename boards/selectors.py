"""Reads for the boards pages. Each selector loads everything its page shows in a fixed number of
queries, whatever the page lists."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from boards.models import Board, BoardModerator, Post, PostLike, ScheduledTopic, Topic, TopicRead
from boards.permissions import visible_boards_q
from forum.links import topic_url
from forum.pagination import PageInfo, page_info


def board_list(viewer) -> QuerySet[Board]:
    """The boards `viewer` may see (a board by rank above theirs is not listed), with their last posts."""
    return (Board.objects.filter(visible_boards_q(viewer)).select_related("last_post__author", "last_post__topic")
            .defer("last_post__body", "last_post__body_html")
            .order_by("position", "id"))


def boards_version_key() -> str:
    """Changes whenever anything the board index shows changes (every such write bumps a board's version)."""
    row = Board.objects.aggregate(v=Sum("version"), n=Count("id"), m=Max("id"))
    return f"{row['v'] or 0}.{row['n']}.{row['m'] or 0}"


def board_topics_page(*, board: Board, page: str | None, featured_only: bool = False
                      ) -> tuple[PageInfo, QuerySet[Topic]]:
    """The page's numbers, and its topics as a query not yet run (a cached fragment may not need it).
    `featured_only`: the board's 精华 topics, newest featured first (one indexed count more)."""
    per_page = settings.HEARTH["TOPICS_PER_PAGE"]
    if featured_only:
        listed = Topic.objects.filter(board=board).visible().featured()
        info = page_info(page, count=listed.count(), per_page=per_page)
        topics = listed.for_list().order_by("-featured_at", "-id")
    else:
        info = page_info(page, count=board.topic_count, per_page=per_page)
        topics = Topic.objects.filter(board=board).visible().for_list()
    return info, topics[info.offset: info.offset + info.per_page]


FORUM_PINS = 10  # at most this many forum-wide pins above a board's list


def forum_pins(*, viewer, board: Board) -> list[Topic]:
    """全局置顶: the topics pinned for the whole forum, shown above `board`'s list (its own are in the list
    already), from the boards `viewer` may see, latest activity first. One query, on a partial index."""
    return list(Topic.objects.filter(visible_boards_q(viewer, "board"), is_pinned=True,
                                     pin_scope=Topic.PinScope.FORUM, is_hidden=False)
                .exclude(board=board).for_list().select_related("board").order_by("-last_post_at", "-id")
                [:FORUM_PINS])


def featured_topics_page(*, viewer, page: str | None) -> tuple[PageInfo, list[Topic]]:
    """The forum-wide 精华 page: featured topics of every board `viewer` may see (hidden topics are left
    out), newest featured first. Two queries whatever the page: an indexed count and the page's rows with
    their boards and authors."""
    listed = Topic.objects.visible().featured().filter(visible_boards_q(viewer, "board"))
    info = page_info(page, count=listed.count(), per_page=settings.HEARTH["TOPICS_PER_PAGE"])
    topics = list(listed.for_list().select_related("board").order_by("-featured_at", "-id")
                  [info.offset: info.offset + info.per_page])
    return info, topics


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


def post_in_page_url(post: Post) -> str:
    """The post on its page of the topic, at its anchor."""
    return f"{topic_url(post.topic_id, post.topic.slug, post_page_number(post))}#p{post.pk}"


def member_recent_posts(*, member, viewer, limit: int = 10) -> list[Post]:
    """The member's latest posts that `viewer` may read (none from a board they may not see)."""
    return list(
        Post.objects.filter(visible_boards_q(viewer, "topic__board"), author=member).public()
        .select_related("topic").order_by("-created_at", "-id")[:limit]
    )


def read_positions(*, member, topics) -> dict[int, int] | None:
    """{topic id: last position read} for the topics of one page; None for visitors. One query."""
    if not member.is_authenticated:
        return None
    ids = [t.pk for t in topics]
    return dict(TopicRead.objects.filter(member=member, topic_id__in=ids).values_list("topic_id", "last_position"))


def topic_read(*, member, topic):
    if not member.is_authenticated:
        return None
    return TopicRead.objects.filter(member=member, topic=topic).first()


def first_unread_post(*, member, topic: Topic) -> Post | None:
    """The first post the member has not read yet (the last one when they read them all)."""
    read = topic_read(member=member, topic=topic)
    position = min((read.last_position if read else 0) + 1, topic.post_count)
    return Post.objects.filter(topic=topic, position=position).only("id", "position", "topic_id").first()


def liked_post_ids(*, member, posts) -> frozenset[int]:
    if not member.is_authenticated or not posts:
        return frozenset()
    return frozenset(PostLike.objects.filter(member=member, post_id__in=[p.pk for p in posts])
                     .values_list("post_id", flat=True))


def board_moderators(*, board) -> list:
    return list(BoardModerator.objects.filter(board=board).select_related("member__rank").order_by("granted_at"))


def member_moderates(*, member, viewer) -> QuerySet[BoardModerator]:
    """The boards the member moderates that `viewer` may see."""
    return (BoardModerator.objects.filter(visible_boards_q(viewer, "board"), member=member).select_related("board")
            .order_by("board__position"))


def quote_of(post: Post, *, intro: str) -> str:
    """The post's text as a Markdown quote, after `intro` ("**alice** wrote:")."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return intro + "\n" + quoted + "\n\n"


def seedable_boards(user) -> QuerySet[Board]:
    return Board.objects.moderated_by(user).filter(is_archived=False).order_by("position", "id")


def scheduled_topics(user) -> QuerySet[ScheduledTopic]:
    return ScheduledTopic.objects.select_related("board", "author", "updated_by", "published_topic").filter(
        board__in=Board.objects.moderated_by(user))
