"""The daily rollup: one day's figures for the forum and each board, written in one transaction.

Set-based throughout: each figure is one GROUP BY (or one INSERT ... SELECT) over that day's rows, never a
loop over members or topics in Python; the same SQL runs on SQLite (`make run`) and PostgreSQL. A day's
rows are deleted and inserted again, so running a day twice gives the same rows, and `rollup_catch_up`
fills in every day since the last one that ran (and recomputes the last REROLL_DAYS, which late email
verifications, bans and hidden posts still change).

Posts are found through their topic's last activity (a post is never later than its topic's
`last_post_at`), so a recent day reads only the topics active since then, not the whole posts table.
"""
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from boards.models import Post, PostLike
from members.models import MemberVisit, User
from moderation.models import Case, Report
from stats import definitions as d
from stats.models import Audience, DailyStat, MemberCohort, PosterDay, TopicResponse

logger = logging.getLogger(__name__)

FORUM = None  # the board key of forum-wide rows
COUNTERS = ["signups", "active", "active_7", "active_30", "active_90", "active_365", "posting", "posters_7",
            "posters_30", "posters_90", "posters_365", "new_topics", "replies", "likes", "new_contributors",
            "reports", "cases_opened", "cases_resolved"]


@dataclass
class RollupResult:
    days: list[date]
    rows: int
    seconds: float


def _date(value: date):
    return connection.ops.adapt_datefield_value(value)


def _moment(value):
    return connection.ops.adapt_datetimefield_value(value)


def _seconds_sql(start: str, end: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS BIGINT)"
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


def _blank() -> dict:
    return dict.fromkeys(COUNTERS, 0)


class _Rows:
    """The day's figures: (board id or None, audience) -> counters."""

    def __init__(self):
        self.rows: dict[tuple[int | None, str], dict] = {}

    def add(self, board_id, audience: str, **values) -> None:
        row = self.rows.setdefault((board_id, audience), _blank())
        for key, value in values.items():
            row[key] += value or 0

    def add_both(self, board_id, everyone: dict, staff: dict) -> None:
        """`everyone` counts staff too; members are everyone but staff."""
        self.add(board_id, Audience.EVERYONE, **everyone)
        self.add(board_id, Audience.MEMBERS, **{k: v - (staff.get(k) or 0) for k, v in everyone.items()})


# ---------------------------------------------------------------- the figures of one day


def signups_of(day: date, *, now) -> dict:
    """Accounts created on `day`, except spam and unverified accounts older than UNVERIFIED_GRACE_DAYS."""
    start, end = d.day_bounds(day)
    too_old = now - timedelta(days=d.UNVERIFIED_GRACE_DAYS)
    return User.objects.filter(date_joined__gte=start, date_joined__lt=end).exclude(d.spam_q()).exclude(
        email_verified=False, date_joined__lt=too_old).aggregate(everyone=Count("id"),
                                                                 staff=Count("id", filter=d.staff_q()))


def _visit_windows(day: date, windows) -> tuple[dict, dict]:
    """Distinct members who visited on `day` and in each window of N days ending on it (one pass)."""
    bounds = [(f"active_{n}" if n > 1 else "active", day - timedelta(days=n - 1)) for n in (1, *windows)]
    first = min(b for _, b in bounds)
    cases = ", ".join(f"SUM(CASE WHEN x.last_day >= %s THEN 1 ELSE 0 END), "
                      f"SUM(CASE WHEN x.last_day >= %s AND {d.STAFF_SQL} THEN 1 ELSE 0 END)" for _ in bounds)
    sql = (f"SELECT {cases} FROM (SELECT member_id, MAX(day) AS last_day FROM members_membervisit "  # noqa: S608 - SQL built from constants
           f"WHERE day >= %s AND day <= %s GROUP BY member_id) x JOIN members_user u ON u.id = x.member_id "
           f"WHERE NOT {d.SPAM_SQL}")
    params = [_date(b) for _, b in bounds for _twice in (0, 1)] + [_date(first), _date(day)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    everyone = {name: values[2 * i] or 0 for i, (name, _) in enumerate(bounds)}
    staff = {name: values[2 * i + 1] or 0 for i, (name, _) in enumerate(bounds)}
    return everyone, staff


def _insert_poster_days(day: date) -> None:
    start, end = d.day_bounds(day)
    PosterDay.objects.filter(day=day).delete()
    sql = (f"INSERT INTO stats_posterday (day, board_id, member_id, is_staff) "  # noqa: S608 - SQL built from constants
           f"SELECT DISTINCT %s, t.board_id, p.author_id, {d.STAFF_SQL} FROM boards_post p "
           f"JOIN boards_topic t ON t.id = p.topic_id JOIN members_user u ON u.id = p.author_id "
           f"WHERE t.last_post_at >= %s AND p.created_at >= %s AND p.created_at < %s AND {d.COUNTED_POST_SQL} "
           f"AND NOT {d.SPAM_SQL}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_date(day), _moment(start), _moment(start), _moment(end), False, False, False])


def _poster_windows(day: date, rows: _Rows) -> None:
    """Distinct posters on `day` and in each window ending on it, per board and forum-wide, from PosterDay."""
    bounds = [("posting", day)] + [(f"posters_{n}", day - timedelta(days=n - 1)) for n in d.WINDOWS]
    cases = ", ".join("SUM(CASE WHEN x.last_day >= %s THEN 1 ELSE 0 END), "
                      "SUM(CASE WHEN x.last_day >= %s AND x.staff = 1 THEN 1 ELSE 0 END)" for _ in bounds)
    params = [_date(b) for _, b in bounds for _twice in (0, 1)]
    window = [_date(day - timedelta(days=max(d.WINDOWS) - 1)), _date(day)]
    inner = ("SELECT {keys}, MAX(day) AS last_day, MAX(CASE WHEN is_staff THEN 1 ELSE 0 END) AS staff "
             "FROM stats_posterday WHERE day >= %s AND day <= %s GROUP BY {keys}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.board_id, {cases} FROM ({inner.format(keys='board_id, member_id')}) x "  # noqa: S608 - SQL built from constants
                       f"GROUP BY x.board_id", params + window)
        per_board = cursor.fetchall()
        cursor.execute(f"SELECT {cases} FROM ({inner.format(keys='member_id')}) x", params + window)  # noqa: S608 - SQL built from constants
        forum = cursor.fetchone()
    for board_id, *values in [*per_board, (FORUM, *forum)]:
        rows.add_both(board_id, {name: values[2 * i] or 0 for i, (name, _) in enumerate(bounds)},
                      {name: values[2 * i + 1] or 0 for i, (name, _) in enumerate(bounds)})


def posts_of(day: date, *, board_id: int | None = None):
    """The counted posts written on `day` (through the topics active since then)."""
    start, end = d.day_bounds(day)
    posts = Post.objects.filter(d.counted_posts_q(), topic__last_post_at__gte=start, created_at__gte=start,
                                created_at__lt=end)
    return posts if board_id is None else posts.filter(topic__board_id=board_id)


def _content(day: date, rows: _Rows) -> None:
    staff = d.staff_q("author__")
    for item in (posts_of(day).values("topic__board_id").order_by().annotate(
            topics=Count("id", filter=Q(position=1)), replies=Count("id", filter=Q(position__gt=1)),
            staff_topics=Count("id", filter=Q(position=1) & staff),
            staff_replies=Count("id", filter=Q(position__gt=1) & staff))):
        for key in (item["topic__board_id"], FORUM):
            rows.add_both(key, {"new_topics": item["topics"], "replies": item["replies"]},
                          {"new_topics": item["staff_topics"], "replies": item["staff_replies"]})


def likes_of(day: date, *, board_id: int | None = None):
    start, end = d.day_bounds(day)
    likes = PostLike.objects.filter(created_at__gte=start, created_at__lt=end).exclude(d.spam_q("member__"))
    return likes if board_id is None else likes.filter(post__topic__board_id=board_id)


def _likes(day: date, rows: _Rows) -> None:
    for item in likes_of(day).values("post__topic__board_id").order_by().annotate(
            n=Count("id"), staff=Count("id", filter=d.staff_q("member__"))):
        for key in (item["post__topic__board_id"], FORUM):
            rows.add_both(key, {"likes": item["n"]}, {"likes": item["staff"]})


def new_contributors_of(day: date, *, authors) -> dict:
    """Members among `authors` (a queryset of user ids) whose first counted post was written on `day`."""
    start, _ = d.day_bounds(day)
    earlier = Post.objects.filter(d.counted_posts_q(), author_id=OuterRef("pk"), created_at__lt=start)
    return User.objects.filter(pk__in=authors).exclude(Exists(earlier)).aggregate(
        everyone=Count("id"), staff=Count("id", filter=d.staff_q()))


def _moderation(day: date, rows: _Rows) -> None:
    """Reports filed, and cases (reports gathered on one target; not newcomers' approvals) opened and
    resolved that day."""
    start, end = d.day_bounds(day)
    opened, resolved = Q(created_at__gte=start, created_at__lt=end), Q(resolved_at__gte=start, resolved_at__lt=end)
    for item in Case.objects.filter(opened | resolved, is_approval=False).values("board_id").order_by().annotate(
            opened=Count("id", filter=opened), resolved=Count("id", filter=resolved)):
        values = {"cases_opened": item["opened"], "cases_resolved": item["resolved"]}
        for key in {item["board_id"], FORUM}:
            rows.add_both(key, values, {})
    for item in Report.objects.filter(created_at__gte=start, created_at__lt=end).values(
            "case__board_id").order_by().annotate(n=Count("id")):
        for key in {item["case__board_id"], FORUM}:
            rows.add_both(key, {"reports": item["n"]}, {})


def _topic_responses(day: date) -> None:
    """The first reply by someone other than the author, for each topic created on `day`."""
    start, end = d.day_bounds(day)
    TopicResponse.objects.filter(created_on=day).delete()
    sql = (f"INSERT INTO stats_topicresponse (topic_id, board_id, created_at, created_on, first_reply_at, "  # noqa: S608 - SQL built from constants
           f"wait_seconds) SELECT t.id, t.board_id, t.created_at, %s, fr.first_at, "
           f"{_seconds_sql('t.created_at', 'fr.first_at')} FROM boards_topic t "
           f"JOIN members_user ta ON ta.id = t.author_id LEFT JOIN ("
           f"SELECT p.topic_id, MIN(p.created_at) AS first_at FROM boards_post p "
           f"JOIN boards_topic t ON t.id = p.topic_id JOIN members_user u ON u.id = p.author_id "
           f"WHERE t.created_at >= %s AND t.created_at < %s AND p.position > 1 AND p.author_id <> t.author_id "
           f"AND {d.COUNTED_POST_SQL} AND NOT {d.SPAM_SQL} GROUP BY p.topic_id) fr ON fr.topic_id = t.id "
           f"WHERE t.created_at >= %s AND t.created_at < %s AND t.is_hidden = %s AND NOT ta.is_banned")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_date(day), _moment(start), _moment(end), False, False, False, _moment(start),
                             _moment(end), False])


def _refresh_unanswered(since: date) -> None:
    """Topics still without a first reply get one when it has come since."""
    first = ("SELECT MIN(p.created_at) FROM boards_post p JOIN boards_topic t ON t.id = p.topic_id "  # noqa: S608 - SQL built from constants
             "JOIN members_user u ON u.id = p.author_id WHERE p.topic_id = stats_topicresponse.topic_id "
             f"AND p.position > 1 AND p.author_id <> t.author_id AND {d.COUNTED_POST_SQL} AND NOT {d.SPAM_SQL}")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE stats_topicresponse SET first_reply_at = ({first}) "  # noqa: S608 - SQL built from constants
                       f"WHERE first_reply_at IS NULL AND created_on >= %s", [False, False, False, _date(since)])
        cursor.execute(f"UPDATE stats_topicresponse SET wait_seconds = "  # noqa: S608 - SQL built from constants
                       f"{_seconds_sql('created_at', 'first_reply_at')} "
                       f"WHERE first_reply_at IS NOT NULL AND wait_seconds IS NULL")


def _cohorts(day: date) -> None:
    """Members who joined on `day` get their cohort row (once); members who joined 1-90 days before and
    visited or posted on `day` get the matching window marked."""
    start, end = d.day_bounds(day)
    sql = ("INSERT INTO stats_membercohort (member_id, joined_on, cohort, visited_1_7, visited_8_30, "  # noqa: S608 - SQL built from constants
           "visited_31_90, posted_1_7, posted_8_30, posted_31_90) "
           "SELECT u.id, %s, %s, %s, %s, %s, %s, %s, %s FROM members_user u "
           f"WHERE u.date_joined >= %s AND u.date_joined < %s AND NOT {d.SPAM_SQL} "
           "AND NOT EXISTS (SELECT 1 FROM stats_membercohort c WHERE c.member_id = u.id)")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_date(day), _date(d.monday(day)), *[False] * 6, _moment(start), _moment(end)])
    visitors = MemberVisit.objects.filter(day=day).values("member_id")
    posters = PosterDay.objects.filter(day=day).values("member_id")
    for first, last in d.RETENTION_WINDOWS:
        joined = {"joined_on__gte": day - timedelta(days=last), "joined_on__lte": day - timedelta(days=first)}
        MemberCohort.objects.filter(member_id__in=visitors, **joined).update(**{f"visited_{first}_{last}": True})
        MemberCohort.objects.filter(member_id__in=posters, **joined).update(**{f"posted_{first}_{last}": True})


def measure_day(day: date, *, now=None) -> dict[tuple[int | None, str], dict]:
    """Every figure of `day` (PosterDay for the day must be written first)."""
    now = now or timezone.now()
    rows = _Rows()
    for audience in Audience.values:
        rows.add(FORUM, audience)  # a forum row even on a day without any activity
    signups = signups_of(day, now=now)
    rows.add_both(FORUM, {"signups": signups["everyone"]}, {"signups": signups["staff"]})
    everyone, staff = _visit_windows(day, d.WINDOWS)
    rows.add_both(FORUM, everyone, staff)
    _poster_windows(day, rows)
    _content(day, rows)
    _likes(day, rows)
    new = new_contributors_of(day, authors=PosterDay.objects.filter(day=day).values("member_id"))
    rows.add_both(FORUM, {"new_contributors": new["everyone"]}, {"new_contributors": new["staff"]})
    _moderation(day, rows)
    return rows.rows


@transaction.atomic
def rollup_day(day: date, *, now=None) -> int:
    """Write `day`'s rows (deleting any from an earlier run first). Returns how many rows."""
    now = now or timezone.now()
    _insert_poster_days(day)
    figures = measure_day(day, now=now)
    DailyStat.objects.filter(day=day).delete()
    DailyStat.objects.bulk_create([DailyStat(day=day, board_id=board_id, audience=audience, computed_at=now, **values)
                                   for (board_id, audience), values in figures.items()])
    _topic_responses(day)
    _cohorts(day)
    return len(figures)


def last_rolled_day() -> date | None:
    return DailyStat.objects.filter(board__isnull=True).aggregate(last=Max("day"))["last"]


def rollup_range(first: date, last: date) -> RollupResult:
    """Every day from `first` to `last`, in order, each in its own transaction; then the first replies
    that came since for topics of the last year."""
    started = time.monotonic()
    days, rows = [], 0
    day = first
    while day <= last:
        rows += rollup_day(day)
        days.append(day)
        day += timedelta(days=1)
    _refresh_unanswered(last - timedelta(days=max(d.PERIODS)))
    seconds = time.monotonic() - started
    logger.info("stats rolled up", extra={"first": str(first), "last": str(last), "days": len(days),
                                          "seconds": round(seconds, 2)})
    return RollupResult(days=days, rows=rows, seconds=seconds)


def catch_up_range(*, today: date | None = None) -> tuple[date, date]:
    """The days the nightly run covers: every day since the last rolled one, and the last REROLL_DAYS
    again; on a first run, from the forum's first signup (at most BACKFILL_DAYS back). Up to yesterday."""
    today = today or d.today()
    yesterday = today - timedelta(days=1)
    last = last_rolled_day()
    if last is None:
        first_joined = User.objects.aggregate(first=Min("date_joined"))["first"]
        first = timezone.localdate(first_joined, d.zone()) if first_joined else yesterday
        first = max(first, today - timedelta(days=d.BACKFILL_DAYS))
    else:
        first = min(last + timedelta(days=1), yesterday - timedelta(days=d.REROLL_DAYS - 1))
    return min(first, yesterday), yesterday


def rollup_catch_up(*, today: date | None = None) -> RollupResult:
    first, last = catch_up_range(today=today)
    return rollup_range(first, last)
