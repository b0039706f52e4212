"""Reading the index: one search, one page of posts, in a fixed number of queries (the match, then the
posts with their topics, boards and authors).

Results are posts. Relevance ranks the RANK_WINDOW newest matches (ts_rank_cd on PostgreSQL, bm25 on
SQLite), so that a word found in half the forum costs no more than a rare one; newest-first pages
through all matches by post id (ids grow with time). Either way pages stop at MAX_PAGES.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.models import Board, Post
from boards.permissions import visible_boards_q
from members.models import User
from search import permissions
from search.backends import backend_for
from search.query import Term

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGES = 25
RANK_WINDOW = PER_PAGE * MAX_PAGES
RELEVANCE, NEWEST = "relevance", "newest"


class SearchTooSlow(Exception):
    """The database gave up on the search (statement timeout)."""


@dataclass
class Criteria:
    """A search with its filters resolved to ids and times."""
    terms: list[Term] = field(default_factory=list)
    board_id: int | None = None
    author_id: int | None = None
    after: datetime | None = None  # posted at or after
    before: datetime | None = None  # posted before
    in_title: bool = False
    no_replies: bool = False
    order: str = RELEVANCE

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.board_id or self.author_id or self.after or self.before or self.no_replies)


@dataclass
class SearchPage:
    posts: list[Post]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the current time zone (the member's, or the site's)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _filters(criteria: Criteria, connection) -> tuple[list[str], list]:
    clauses, params = [], []
    if criteria.board_id is not None:
        clauses.append("t.board_id = %s")
        params.append(criteria.board_id)
    if criteria.author_id is not None:
        clauses.append("p.author_id = %s")
        params.append(criteria.author_id)
    if criteria.after is not None:
        clauses.append("p.created_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(criteria.after))
    if criteria.before is not None:
        clauses.append("p.created_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(criteria.before))
    if criteria.in_title:
        clauses.append("p.position = 1")
    if criteria.no_replies:
        clauses.append("t.post_count <= 1")
    return clauses, params


def search_sql(criteria: Criteria, *, viewer, page: int, connection) -> tuple[str, list]:
    """The SQL for one page of post ids (one more than a page, to tell whether another follows)."""
    visibility, params = permissions.visibility_sql(viewer, using=connection.alias)
    clauses, filter_params = _filters(criteria, connection)
    where = " AND ".join([visibility, *clauses])
    params = [*params, *filter_params]
    limit, offset = PER_PAGE + 1, (page - 1) * PER_PAGE
    # S608: the SQL is assembled from this module's and the backends' constant fragments only; every value
    # (the tsquery or FTS5 query, ids, times, limits) is a parameter
    if not criteria.terms:
        return (f"SELECT p.id FROM boards_post p JOIN boards_topic t ON t.id = p.topic_id WHERE {where} "  # noqa: S608
                "ORDER BY p.id DESC LIMIT %s OFFSET %s", [*params, limit, offset])
    match = backend_for(connection).match(criteria.terms, in_title=criteria.in_title)
    if criteria.order == NEWEST:
        return (f"SELECT {match.id_sql} FROM {match.from_sql} WHERE {match.where_sql} AND {where} "  # noqa: S608
                f"ORDER BY {match.id_sql} DESC LIMIT %s OFFSET %s", [*match.params, *params, limit, offset])
    return (f"SELECT c.id FROM (SELECT {match.id_sql} AS id, {match.carry_sql} AS ranked FROM {match.from_sql} "  # noqa: S608
            f"WHERE {match.where_sql} AND {where} ORDER BY {match.id_sql} DESC LIMIT %s) c "
            f"ORDER BY {match.rank_order_sql}, c.id DESC LIMIT %s OFFSET %s",
            [*match.params, *params, RANK_WINDOW, *match.rank_params, limit, offset])


def search_post_ids(criteria: Criteria, *, viewer, page: int = 1, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The ids of one page of results (and one more when another page follows), best first. Raises
    SearchTooSlow when the database gives up (HEARTH["SEARCH_TIMEOUT_MS"])."""
    if criteria.is_empty or not 1 <= page <= MAX_PAGES:
        return []
    connection = connections[using]
    backend = backend_for(connection)
    sql, params = search_sql(criteria, viewer=viewer, page=page, connection=connection)
    timeout = backend.statement_timeout_sql(settings.HEARTH["SEARCH_TIMEOUT_MS"])
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            if timeout:
                cursor.execute(timeout)
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
            if timeout:  # SET LOCAL outlives a released savepoint: inside a longer transaction, undo it now
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            return ids
    except OperationalError as error:  # PostgreSQL's statement timeout (QueryCanceled)
        logger.warning("search gave up", extra={"error": type(error.__cause__).__name__})
        raise SearchTooSlow from error


def search_page(criteria: Criteria, *, viewer, page: int = 1, using: str = DEFAULT_DB_ALIAS) -> SearchPage:
    """One page of results: the posts in order, each with its topic, board and author loaded."""
    ids = search_post_ids(criteria, viewer=viewer, page=page, using=using)
    shown = ids[:PER_PAGE]
    by_id = {}
    if shown:
        posts = (Post.objects.using(using).filter(pk__in=shown).select_related("topic__board", "author")
                 .only("id", "topic_id", "author_id", "position", "body_html", "created_at", "is_hidden",
                       "is_awaiting_approval", "deleted_at", "topic__id", "topic__title", "topic__slug",
                       "topic__is_hidden", "topic__board_id", "topic__board__id", "topic__board__name",
                       "topic__board__slug", "author__id", "author__username"))
        by_id = {post.pk: post for post in posts}
    return SearchPage(posts=[by_id[pk] for pk in shown if pk in by_id], number=page, has_next=len(ids) > PER_PAGE)


def board_choices(*, viewer, using: str = DEFAULT_DB_ALIAS) -> list[Board]:
    """The boards to search in: those `viewer` may see (a board by rank above theirs is not offered, and
    naming it finds "no such board")."""
    return list(Board.objects.using(using).filter(visible_boards_q(viewer)).order_by("position", "id")
                .only("id", "slug", "name"))


def member_by_name(name: str, *, using: str = DEFAULT_DB_ALIAS) -> User | None:
    """The member called `name`: exactly (on the username's unique index), or else ignoring case."""
    members = User.objects.using(using).only("id", "username")
    return members.filter(username=name).first() or members.filter(username__iexact=name).order_by("pk").first()


def criteria_for(data: dict, *, boards: list[Board], using: str = DEFAULT_DB_ALIAS) -> tuple[Criteria, list[str]]:
    """The search a valid SearchForm describes, with the board and author looked up (a board from
    `boards`, a member with one query). Returns it and the reasons it can find nothing (an unknown board
    or member), which the page shows."""
    parsed = data["parsed"]
    problems = []
    criteria = Criteria(terms=parsed.terms, in_title=data["in_title"], no_replies=data["no_replies"],
                        order=data["order"])
    if data["board"]:
        board = next((b for b in boards if b.slug.casefold() == data["board"].casefold()), None)
        if board is None:
            problems.append(_("There is no board “%(slug)s”.") % {"slug": data["board"]})
        else:
            criteria.board_id = board.pk
    if data["author"]:
        author = member_by_name(data["author"][:150], using=using)
        if author is None:
            problems.append(_("There is no member called “%(name)s”.") % {"name": data["author"][:150]})
        else:
            criteria.author_id = author.pk
    if data["after"]:
        criteria.after = start_of_day(data["after"])
    if data["before"]:
        criteria.before = start_of_day(data["before"])
    return criteria, problems
