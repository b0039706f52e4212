"""Reads for the boards pages. Each selector loads everything its page shows in a fixed number of
queries, whatever the page lists."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from boards.models import Board, BoardModerator, Post, PostLike, ScheduledTopic, Topic, TopicRead
from boards.permissions import visible_boards_q
from boards.querysets import AUTHOR_ROLE_FIELDS
from forum import lookups
from forum.links import topic_url
from forum.pagination import PageInfo, page_info, page_rows
from members.models import User


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
    `featured_only`: the board's 精华 topics, newest featured first (one indexed count more). Any page costs
    what the first costs (forum.pagination.page_rows)."""
    info = board_topics_info(board=board, page=page, featured_only=featured_only)
    return info, board_topics_rows(board=board, info=info, featured_only=featured_only)


def board_topics_info(*, board: Board, page: str | None, featured_only: bool = False) -> PageInfo:
    """board_topics_page's numbers alone (the board page builds the topics' query only to render them)."""
    count = _board_topics(board, featured_only).count() if featured_only else board.topic_count
    return page_info(page, count=count, per_page=settings.HEARTH["TOPICS_PER_PAGE"])


def board_topics_rows(*, board: Board, info: PageInfo, featured_only: bool = False) -> QuerySet[Topic]:
    """board_topics_page's topics: a query not yet run."""
    topics = page_rows(_board_topics(board, featured_only), info).for_list()
    return topics.order_by("-featured_at", "-id") if featured_only else topics


def _board_topics(board: Board, featured_only: bool) -> QuerySet[Topic]:
    listed = Topic.objects.filter(board=board).visible()
    return listed.featured() if featured_only else listed.order_by("-is_pinned", "-last_post_at", "-id")


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
    # the boards as a subquery, not a join: the page then walks the forum-wide featured index in order and
    # stops after a page, instead of reading every featured topic of the visible boards and sorting them
    listed = Topic.objects.visible().featured().filter(
        board__in=Board.objects.filter(visible_boards_q(viewer)).values("pk"))
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


def member_recent_posts(*, member, viewer, limit: int = 10) -> list[Post]:
    """The member's latest posts that `viewer` may read (none from a board they may not see)."""
    return list(
        Post.objects.filter(visible_boards_q(viewer, "topic__board"), author=member).public()
        .select_related("topic").order_by("-created_at", "-id")[:limit]
    )


def read_positions(*, member, topics=None, topic_ids=None) -> dict[int, int] | None:
    """{topic id: last position read} for the topics of one page (`topics`, or their `topic_ids`); None for
    visitors. One query."""
    if not member.is_authenticated:
        return None
    ids = [t.pk for t in topics] if topic_ids is None else topic_ids
    return dict(lookups.values(TopicRead, ["topic_id", "last_position"], member_id=member.pk, topic_id__in=ids))


def topic_read(*, member, topic) -> TopicRead | None:
    """The member's read position in the topic (None: never opened, or a visitor): the row as far as
    boards.services.topic_mark_read needs it. On every topic page a member opens: forum.lookups."""
    if not member.is_authenticated:
        return None
    rows = lookups.values(TopicRead, ["last_position"], member_id=member.pk, topic_id=topic.pk)
    return TopicRead(member=member, topic=topic, last_position=rows[0][0]) if rows else None


def first_unread_post(*, member, topic: Topic) -> Post | None:
    """The first post the member has not read yet (the last one when they read them all)."""
    read = topic_read(member=member, topic=topic)
    position = min((read.last_position if read else 0) + 1, topic.post_count)
    return Post.objects.filter(topic=topic, position=position).only("id", "position", "topic_id").first()


def liked_post_ids(*, member, post_ids) -> frozenset[int]:
    """Which of these posts `member` likes. One query."""
    if not member.is_authenticated or not post_ids:
        return frozenset()
    return frozenset(row[0] for row in lookups.values(PostLike, ["post_id"], member_id=member.pk, post_id__in=post_ids))


def post_authors(author_ids) -> dict:
    """{id: member} with only what the role checks read of them (boards.permissions.role_level). One query."""
    return User.objects.only("id", *(f.removeprefix("author__") for f in AUTHOR_ROLE_FIELDS)).in_bulk(author_ids)


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


@dataclass
class FocusAdvice:
    """Whether the forum has more boards than it has activity for, and which boards say so. Each board in
    `boards` carries `new_topics` (in the last idle_days), `recent_posts` (in the last share_days) and
    `share` (of the forum's recent posts, 0..1; `share_percent` rounded for showing)."""

    boards: list[Board]  # every board, archived ones too, in the board index's order
    idle: list[Board]  # open boards with no new topic in idle_days
    thin: list[Board]  # open boards under min_share of the forum's posts (empty when not judged)
    forum_posts: int  # visible posts in the last share_days, all boards
    idle_days: int
    idle_limit: int
    share_days: int
    min_share: float
    min_posts: int

    @property
    def too_many_idle(self) -> bool:
        return len(self.idle) > self.idle_limit

    @property
    def share_judged(self) -> bool:
        return self.forum_posts >= self.min_posts

    @property
    def named(self) -> list[Board]:
        """The boards the advice names: the idle ones once there are too many of them, and the thin ones."""
        chosen = {b.pk for b in self.thin} | ({b.pk for b in self.idle} if self.too_many_idle else set())
        return [b for b in self.boards if b.pk in chosen]

    @property
    def needed(self) -> bool:
        return bool(self.named)

    @property
    def min_share_percent(self) -> float:
        return self.min_share * 100


def focus_advice(*, now: datetime | None = None) -> FocusAdvice:
    """Two queries, whatever the number of boards: each board with its new topics over the idle window, then
    the visible posts of every board over the share window, counted in one pass (hidden, held and deleted
    posts, and hidden topics, do not count). Thresholds: settings.HEARTH["FOCUS_*"].

    The posts are counted in one grouped pass over the window, read from boards_post_created_idx alone (it
    carries what the filter reads): a count per board in a subquery walked the whole window once per board
    (3.3 s on 1,000,000 posts). Its cost follows the posts of the window (the forum's activity), not the
    forum's history."""
    hearth = settings.HEARTH
    now = now or timezone.now()
    idle_since = now - timedelta(days=hearth["FOCUS_IDLE_DAYS"])
    share_since = now - timedelta(days=hearth["FOCUS_SHARE_DAYS"])
    new_topics = (Topic.objects.filter(board=OuterRef("pk"), is_hidden=False, created_at__gte=idle_since)
                  .order_by().values("board").annotate(n=Count("id")).values("n"))
    boards = list(Board.objects.annotate(new_topics=Coalesce(Subquery(new_topics), 0)).order_by("position", "id"))
    recent = dict(Post.objects.filter(topic__is_hidden=False, is_hidden=False, is_awaiting_approval=False,
                                      deleted_at__isnull=True, created_at__gte=share_since)
                  .order_by().values("topic__board").annotate(n=Count("id")).values_list("topic__board", "n"))
    for board in boards:
        board.recent_posts = recent.get(board.pk, 0)
    forum_posts = sum(b.recent_posts for b in boards)
    for board in boards:
        board.share = board.recent_posts / forum_posts if forum_posts else 0.0
        board.share_percent = round(board.share * 100, 1)
    advice = FocusAdvice(boards=boards, idle=[], thin=[], forum_posts=forum_posts,
                         idle_days=hearth["FOCUS_IDLE_DAYS"], idle_limit=hearth["FOCUS_IDLE_BOARDS"],
                         share_days=hearth["FOCUS_SHARE_DAYS"], min_share=hearth["FOCUS_MIN_SHARE"],
                         min_posts=hearth["FOCUS_SHARE_MIN_POSTS"])
    for board in boards:
        if board.is_archived:
            continue
        if board.created_at <= idle_since and board.new_topics == 0:
            advice.idle.append(board)
        if advice.share_judged and board.created_at <= share_since and board.share < advice.min_share:
            advice.thin.append(board)
    return advice


def board_move_summary(board: Board) -> dict:
    """What moving all of a board's topics would move: its topics and posts (the board's own counters), the
    hidden or held topics besides, and the seed topics still waiting to be published. Two queries."""
    row = Topic.objects.filter(board=board).aggregate(all=Count("id"))
    return {"topics": board.topic_count, "posts": board.post_count, "unlisted": row["all"] - board.topic_count,
            "drafts": ScheduledTopic.objects.filter(board=board, published_at__isnull=True).count()}
