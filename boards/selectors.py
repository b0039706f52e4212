"""Reads for the boards pages. Each selector loads everything its page shows in a fixed number of
queries, whatever the page lists."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from boards.models import Board, BoardModerator, Post, PostLike, ScheduledTopic, Topic, TopicRead
from forum.links import topic_url
from forum.pagination import PageInfo, page_info, page_rows


def board_list() -> QuerySet[Board]:
    return (Board.objects.select_related("last_post__author", "last_post__topic")
            .defer("last_post__body", "last_post__body_html")
            .order_by("position", "id"))


def boards_version_key() -> str:
    """Changes whenever anything the board index shows changes (every such write bumps a board's version)."""
    row = Board.objects.aggregate(v=Sum("version"), n=Count("id"), m=Max("id"))
    return f"{row['v'] or 0}.{row['n']}.{row['m'] or 0}"


def board_topics_page(*, board: Board, page: str | None, featured_only: bool = False
                      ) -> tuple[PageInfo, QuerySet[Topic]]:
    """The page's numbers, and its topics as a query not yet run (a cached fragment may not need it).
    `featured_only`: the board's 精华 topics, newest featured first (one indexed count more). Any page costs
    what the first costs (forum.pagination.page_rows)."""
    per_page = settings.HEARTH["TOPICS_PER_PAGE"]
    if featured_only:
        listed = Topic.objects.filter(board=board).visible().featured()
        info = page_info(page, count=listed.count(), per_page=per_page)
        topics = page_rows(listed, info).for_list().order_by("-featured_at", "-id")
    else:
        listed = Topic.objects.filter(board=board).visible().order_by("-is_pinned", "-last_post_at", "-id")
        info = page_info(page, count=board.topic_count, per_page=per_page)
        topics = page_rows(listed, info).for_list()
    return info, topics


def featured_topics_page(*, page: str | None) -> tuple[PageInfo, list[Topic]]:
    """The forum-wide 精华 page: featured topics of every board a viewer may read (every board is public;
    hidden topics are left out), newest featured first. Two queries whatever the page: an indexed count
    and the page's rows with their boards and authors."""
    listed = Topic.objects.visible().featured()
    info = page_info(page, count=listed.count(), per_page=settings.HEARTH["TOPICS_PER_PAGE"])
    topics = list(page_rows(listed, info).for_list().select_related("board").order_by("-featured_at", "-id"))
    return info, topics


def topic_posts_page(*, topic: Topic, page: str | None) -> tuple[PageInfo, QuerySet[Post]]:
    """One page of a topic: a range of positions, so page 200 costs what page 1 costs. The posts come
    back as a query not yet run.

    The LIMIT changes nothing in the rows (a page's range holds at most a page of posts) but much for the
    planner: PostgreSQL estimates the range from the positions of all topics (in most topics positions
    1-20 are most of the posts) times the topic's share of the posts, so for a long topic in a large forum
    it expected tens of thousands of rows and joined the authors by hashing every post and member (0.6 s
    on 1,000,000 posts). With the LIMIT it walks the topic's (topic, position) index and joins 20 rows."""
    info = page_info(page, count=topic.post_count, per_page=settings.HEARTH["POSTS_PER_PAGE"])
    posts = Post.objects.filter(
        topic=topic, position__gt=info.offset, position__lte=info.offset + info.per_page).for_display()
    return info, posts[:info.per_page]


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


def member_recent_posts(*, member, limit: int = 10) -> list[Post]:
    return list(
        Post.objects.filter(author=member).public()
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


def member_moderates(*, member) -> QuerySet[BoardModerator]:
    return BoardModerator.objects.filter(member=member).select_related("board").order_by("board__position")


def quote_of(post: Post, *, intro: str) -> str:
    """The post's text as a Markdown quote, after `intro` ("**alice** wrote:")."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return intro + "\n" + quoted + "\n\n"


def seedable_boards(user) -> QuerySet[Board]:
    return Board.objects.moderated_by(user).filter(is_archived=False).order_by("position", "id")


def scheduled_topics(user) -> QuerySet[ScheduledTopic]:
    return ScheduledTopic.objects.select_related("board", "author", "updated_by", "published_topic").filter(
        board__in=Board.objects.moderated_by(user))
