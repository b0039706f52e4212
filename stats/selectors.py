"""The health pages' data: a fixed number of queries whatever the period or the forum's size.

Complete days come from the rollup rows (stats.rollup); today is measured live. A period of N days ends
yesterday (the last complete day); the previous period is the N days before it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boards.freshness import board_freshness
from boards.models import Board, Post, Topic
from boards.selectors import focus_advice
from forum import links
from members.models import MemberVisit, PromotionProposal, Rank, RankChange
from moderation.models import Case as ModerationCase
from standing.promotions import inactive_moderators
from stats import charts, headline
from stats import definitions as d
from stats.models import Audience, DailyStat, MemberCohort, TopicResponse
from stats.percentiles import spreads
from stats.rollup import last_rolled_day, likes_of, new_contributors_of, posts_of, signups_of

HOUR = 3600


@dataclass
class Period:
    days: int
    staff: bool
    today: date

    @property
    def end(self) -> date:
        return self.today - timedelta(days=1)

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    @property
    def prev_end(self) -> date:
        return self.start - timedelta(days=1)

    @property
    def prev_start(self) -> date:
        return self.prev_end - timedelta(days=self.days - 1)

    @property
    def audience(self) -> str:
        return Audience.EVERYONE if self.staff else Audience.MEMBERS

    @property
    def query(self) -> str:
        return f"days={self.days}" + ("&staff=1" if self.staff else "")

    def days_list(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def period_from(params, *, today: date | None = None) -> Period:
    """From ?days= and ?staff=; anything unexpected falls back to the defaults."""
    try:
        days = int(params.get("days", d.DEFAULT_PERIOD))
    except (TypeError, ValueError):
        days = d.DEFAULT_PERIOD
    if days not in d.PERIODS:
        days = d.DEFAULT_PERIOD
    return Period(days=days, staff=params.get("staff") == "1", today=today or d.today())


@dataclass
class Figure:
    key: str
    label: str
    value: float | None
    previous: float | None = None
    unit: str = "count"  # count, percent, hours
    lower_is_better: bool = False
    compare: bool = True
    note: str = ""

    @property
    def change(self) -> float | None:
        if not self.compare or self.value is None or not self.previous:
            return None
        return round((self.value - self.previous) / self.previous * 100, 1)

    @property
    def direction(self) -> str:
        change = self.change
        if change is None or change == 0:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def is_good(self) -> bool | None:
        if self.direction == "flat":
            return None
        return (self.direction == "down") == self.lower_is_better

    @property
    def display(self) -> str:
        return fmt(self.value, self.unit)

    @property
    def previous_display(self) -> str:
        return fmt(self.previous, self.unit)


def fmt(value, unit: str = "count") -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.0f}%"
    if unit == "hours":
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@dataclass
class Share:
    """A cell of the cohort table: part of a whole, or "—" when the cohort is too young for the window."""

    part: int | None
    whole: int

    @property
    def percent(self) -> float | None:
        if self.part is None or not self.whole:
            return None
        return round(self.part / self.whole * 100, 1)

    @property
    def shade(self) -> int | None:
        """0-10, for the cell's background class."""
        return None if self.percent is None else round(self.percent / 10)

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.0f}% ({self.part}/{self.whole})"

    def csv(self):
        return "" if self.percent is None else self.percent


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)

    def csv_rows(self) -> list[list]:
        out = [list(self.headers)]
        for row in self.rows:
            out.append([cell.csv() if isinstance(cell, Share) else ("" if cell is None else cell) for cell in row])
        return out


# ---------------------------------------------------------------- reading the rollup rows


def _rows(period: Period, board: Board | None) -> dict[date, dict]:
    rows = DailyStat.objects.filter(audience=period.audience, day__gte=period.prev_start, day__lte=period.end)
    rows = rows.filter(board__isnull=True) if board is None else rows.filter(board=board)
    return {row["day"]: row for row in rows.order_by("day").values()}


def _sum(rows: dict[date, dict], first: date, last: date, key: str) -> int:
    return sum(row[key] for day, row in rows.items() if first <= day <= last)


def _at(rows: dict[date, dict], day: date, key: str):
    row = rows.get(day)
    return None if row is None else row[key]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _stickiness(rows: dict[date, dict], first: date, last: date) -> float | None:
    return _mean([row["active"] / row["active_30"] * 100 for day, row in rows.items()
                  if first <= day <= last and row["active_30"]])


# ---------------------------------------------------------------- live: today so far


def live_today(period: Period, board: Board | None = None) -> dict:
    """Today's figures so far, measured now (forum-wide, or one board's)."""
    today, now = period.today, timezone.now()
    staff = not period.staff  # subtract staff unless they are included
    board_id = board.pk if board else None
    posts = posts_of(today, board_id=board_id).aggregate(
        topics=Count("id", filter=Q(position=1)), replies=Count("id", filter=Q(position__gt=1)),
        staff_topics=Count("id", filter=Q(position=1) & d.staff_q("author__")),
        staff_replies=Count("id", filter=Q(position__gt=1) & d.staff_q("author__")),
        posting=Count("author_id", distinct=True),
        staff_posting=Count("author_id", distinct=True, filter=d.staff_q("author__")))
    likes = likes_of(today, board_id=board_id).aggregate(n=Count("id"), staff=Count("id", filter=d.staff_q("member__")))
    figures = {
        "new_topics": posts["topics"] - (posts["staff_topics"] if staff else 0),
        "replies": posts["replies"] - (posts["staff_replies"] if staff else 0),
        "posting": posts["posting"] - (posts["staff_posting"] if staff else 0),
        "likes": likes["n"] - (likes["staff"] if staff else 0),
    }
    if board is None:
        signups = signups_of(today, now=now)
        visits = MemberVisit.objects.filter(day__gte=today - timedelta(days=d.MAU_DAYS - 1), day__lte=today).exclude(
            d.spam_q("member__")).aggregate(
            dau=Count("member_id", distinct=True, filter=Q(day=today)),
            staff_dau=Count("member_id", distinct=True, filter=Q(day=today) & d.staff_q("member__")),
            mau=Count("member_id", distinct=True),
            staff_mau=Count("member_id", distinct=True, filter=d.staff_q("member__")))
        new = new_contributors_of(today, authors=posts_of(today).values("author_id"))
        figures.update({
            "signups": signups["everyone"] - (signups["staff"] if staff else 0),
            "active": visits["dau"] - (visits["staff_dau"] if staff else 0),
            "active_30": visits["mau"] - (visits["staff_mau"] if staff else 0),
            "new_contributors": new["everyone"] - (new["staff"] if staff else 0),
        })
    return figures


# ---------------------------------------------------------------- response times and unanswered topics


def _period_flag(field_name: str, period: Period):
    return Case(When(**{f"{field_name}__gte": period.start}, then=Value(1)), default=Value(0),
                output_field=IntegerField())


def first_reply_spreads(period: Period, *, by_board: bool) -> dict[tuple, object]:
    """Median and p90 of the hours to a first reply, for topics created in the period and the previous one
    that got one; keyed (is_current,) or (is_current, board id)."""
    rows = TopicResponse.objects.filter(created_on__gte=period.prev_start, created_on__lte=period.end,
                                        wait_seconds__isnull=False, topic__is_hidden=False).annotate(
        current=_period_flag("created_on", period))
    return spreads(rows, F("wait_seconds"), ["current", "board_id"] if by_board else ["current"])


def unanswered_topics(period: Period, board: Board | None = None, *, rolled_until: date | None = None):
    """Topics created in the period, older than UNANSWERED_HOURS, with no counted reply from anyone but their
    author. Only the topics the rollup (up to `rolled_until`) found unanswered, and the topics newer than it,
    are checked against the posts: a few, whatever the forum's size."""
    now = timezone.now()
    if rolled_until is None:
        candidates = Q()
    else:
        candidates = Q(stats_response__isnull=False, stats_response__first_reply_at__isnull=True) | Q(
            created_at__gte=d.day_start(rolled_until + timedelta(days=1)))
    replies = Post.objects.filter(d.counted_posts_q(), topic_id=OuterRef("pk"), position__gt=1).exclude(
        author_id=OuterRef("author_id"))
    topics = (Topic.objects.filter(is_hidden=False, created_at__gte=d.day_start(period.start),
                                   created_at__lte=now - timedelta(hours=d.UNANSWERED_HOURS))
              .exclude(d.spam_q("author__"))
              .filter(candidates).exclude(Exists(replies)))
    return topics if board is None else topics.filter(board=board)


UNANSWERED_LISTED = 50


def _unanswered(period: Period, board: Board | None, rolled_until: date | None):
    topics = unanswered_topics(period, board, rolled_until=rolled_until)
    counts = dict(topics.values_list("board_id").order_by().annotate(n=Count("id")).values_list("board_id", "n"))
    now = timezone.now()
    listed = []
    for topic in topics.select_related("board", "author").order_by("created_at", "id")[:UNANSWERED_LISTED]:
        listed.append({"title": topic.title, "url": links.topic_url(topic.pk, topic.slug), "board": topic.board.name,
                       "author": topic.author.username, "created_at": topic.created_at,
                       "hours": round((now - topic.created_at).total_seconds() / HOUR, 1)})
    return counts, listed


# ---------------------------------------------------------------- retention


def cohort_table(period: Period, *, as_of: date | None) -> Table:
    """Weekly signup cohorts (at least the last 12 weeks, or every week of the period), each with the share
    of its members active on days 1-7, 8-30 and 31-90 after signup, by visits and by posting. A window the
    cohort's youngest member has not lived through completely by `as_of` (the last rolled-up day) is "—"."""
    last = d.monday(period.end)
    first = min(d.monday(period.start), last - timedelta(weeks=11))
    rows = MemberCohort.objects.filter(cohort__gte=first, cohort__lte=last).exclude(d.spam_q("member__"))
    if not period.staff:
        rows = rows.exclude(d.staff_q("member__"))
    flags = [f"{kind}_{a}_{b}" for kind in ("visited", "posted") for a, b in d.RETENTION_WINDOWS]
    counts = {row["cohort"]: row for row in rows.values("cohort").order_by().annotate(
        size=Count("member_id"), **{flag: Count("member_id", filter=Q(**{flag: True})) for flag in flags})}
    windows = [f"{a}–{b}" for a, b in d.RETENTION_WINDOWS]
    table = Table(key="cohorts", title=_("Retention by signup cohort"), headers=[
        _("Week of"), _("Members"), *[_("Visited, days %(window)s") % {"window": w} for w in windows],
        *[_("Posted, days %(window)s") % {"window": w} for w in windows]])
    week = last
    while week >= first:
        row = counts.get(week, {"size": 0})
        cells = []
        for kind in ("visited", "posted"):
            for a, b in d.RETENTION_WINDOWS:
                mature = as_of is not None and week + timedelta(days=6 + b) <= as_of
                part = row.get(f"{kind}_{a}_{b}", 0) if mature and row["size"] else None
                cells.append(Share(part=part, whole=row["size"]))
        table.rows.append([week, row["size"], *cells])
        week -= timedelta(weeks=1)
    return table


# ---------------------------------------------------------------- the moderator pipeline and moderation load


def pipeline(period: Period, board: Board | None = None) -> dict:
    start, end = d.day_start(period.prev_start), d.day_start(period.end + timedelta(days=1))
    changes = RankChange.objects.filter(created_at__gte=start, created_at__lt=end, kind__in=[
        RankChange.Kind.PROMOTED, RankChange.Kind.DROPPED, RankChange.Kind.MODERATOR_GRANTED]).exclude(
        d.spam_q("member__"))
    if not period.staff:
        changes = changes.exclude(d.staff_q("member__"))
    if board is not None:
        changes = changes.filter(kind=RankChange.Kind.MODERATOR_GRANTED, board=board)
    current = Case(When(created_at__gte=d.day_start(period.start), then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    rank = Case(When(kind=RankChange.Kind.DROPPED, then=F("from_rank_id")), default=F("to_rank_id"))
    counts = {(r["current"], r["kind"], r["rank"]): r["n"] for r in changes.annotate(current=current, rank=rank)
              .values("current", "kind", "rank").order_by().annotate(n=Count("id"))}
    proposals = PromotionProposal.objects.filter(status=PromotionProposal.Status.PENDING)
    if board is not None:
        proposals = proposals.filter(board=board)
    quiet = [m for m in inactive_moderators() if board is None or m.board_id == board.pk]
    return {"counts": counts,
            "proposals": list(proposals.select_related("member", "board").order_by("created_at", "id")[:50]),
            "quiet": quiet}


def pipeline_table(period: Period, data: dict, ranks: list[Rank]) -> Table:
    table = Table(key="pipeline", title=_("The moderator pipeline"), headers=[
        _("Rank"), _("Promoted into it"), _("Previous period"), _("Dropped from it"), _("Previous period")])
    counts = data["counts"]
    for rank in ranks:
        table.rows.append([rank.name, counts.get((1, "promoted", rank.pk), 0), counts.get((0, "promoted", rank.pk), 0),
                           counts.get((1, "dropped", rank.pk), 0), counts.get((0, "dropped", rank.pk), 0)])
    granted = [sum(n for (cur, kind, _r), n in counts.items() if kind == "granted" and cur == flag) for flag in (1, 0)]
    table.rows.append([_("Made board moderators"), granted[0], granted[1], None, None])
    return table


def moderation_figures(period: Period, rows: dict, board: Board | None) -> tuple[list[Figure], Table]:
    cases = ModerationCase.objects.filter(is_approval=False, resolved_at__isnull=False,
                                          resolved_at__gte=d.day_start(period.prev_start),
                                          resolved_at__lt=d.day_start(period.end + timedelta(days=1)))
    stale = ModerationCase.objects.exclude(state=ModerationCase.State.RESOLVED).filter(
        created_at__lt=timezone.now() - timedelta(hours=d.STALE_CASE_HOURS))
    if board is not None:
        cases, stale = cases.filter(board=board), stale.filter(board=board)
    resolution = spreads(cases.annotate(current=_period_flag("resolved_at", _MomentPeriod(period))),
                         F("resolved_at") - F("created_at"), ["current"])

    def hours(flag):
        spread = resolution.get((flag,))
        return None if spread is None else round(spread.median / HOUR, 1)

    s, e, ps, pe = period.start, period.end, period.prev_start, period.prev_end
    figures = [
        Figure("reports", _("Reports filed"), _sum(rows, s, e, "reports"), _sum(rows, ps, pe, "reports"),
               lower_is_better=True),
        Figure("cases_opened", _("Cases opened"), _sum(rows, s, e, "cases_opened"),
               _sum(rows, ps, pe, "cases_opened"), lower_is_better=True),
        Figure("cases_resolved", _("Cases resolved"), _sum(rows, s, e, "cases_resolved"),
               _sum(rows, ps, pe, "cases_resolved")),
        Figure("resolution", _("Median time to resolution (hours)"), hours(1), hours(0), unit="hours",
               lower_is_better=True),
        Figure("stale_cases", _("Open cases older than 48 hours"), stale.count(), compare=False, lower_is_better=True),
    ]
    return figures, _figure_table("moderation", _("Moderation load"), figures)


class _MomentPeriod:
    """A period whose start is compared with a timestamp (the start of its first day)."""

    def __init__(self, period: Period):
        self.start = d.day_start(period.start)


def _figure_table(key: str, title: str, figures: list[Figure]) -> Table:
    table = Table(key=key, title=title, headers=[_("Figure"), _("This period"), _("Previous period"),
                                                 _("Change (%)")])
    for f in figures:
        table.rows.append([f.label, f.value, f.previous if f.compare else None, f.change])
    return table


# ---------------------------------------------------------------- the pages


DAILY_FORUM = [
    ("signups", gettext_lazy("Signups"), "bars", "count"),
    ("active", gettext_lazy("Active members (DAU)"), "bars", "count"),
    ("active_30", gettext_lazy("Active in 30 days (MAU)"), "line", "count"),
    ("stickiness", gettext_lazy("Stickiness (DAU/MAU, %)"), "line", "percent"),
    ("posting", gettext_lazy("Posting members"), "bars", "count"),
    ("new_topics", gettext_lazy("New topics"), "bars", "count"),
    ("replies", gettext_lazy("Replies"), "bars", "count"),
    ("likes", gettext_lazy("Likes"), "bars", "count"),
    ("new_contributors", gettext_lazy("New contributors"), "bars", "count"),
]
DAILY_BOARD = [
    ("posting", gettext_lazy("Posting members"), "bars", "count"),
    ("new_topics", gettext_lazy("New topics"), "bars", "count"),
    ("replies", gettext_lazy("Replies"), "bars", "count"),
    ("likes", gettext_lazy("Likes"), "bars", "count"),
    ("cases_opened", gettext_lazy("Cases opened"), "bars", "count"),
]


def _value(row: dict | None, key: str):
    if row is None:
        return None
    if key == "stickiness":
        return round(row["active"] / row["active_30"] * 100, 1) if row.get("active_30") else None
    return row.get(key)


def _daily(period: Period, rows: dict, live: dict, spec) -> tuple[list[charts.Chart], Table]:
    days = period.days_list()
    table = Table(key="daily", title=_("Day by day"), headers=[_("Day"), *[str(label) for _k, label, _c, _u in spec]])
    for day in days:
        table.rows.append([day, *[_value(rows.get(day), key) for key, _l, _c, _u in spec]])
    table.rows.append([_("%(day)s (today, live)") % {"day": period.today},
                       *[_value(live, key) for key, _l, _c, _u in spec]])
    built = []
    for key, label, kind, unit in spec:
        points = [charts.Point(day, _value(rows.get(day), key)) for day in days]
        points.append(charts.Point(period.today, _value(live, key), live=True))
        built.append(charts.build(key, str(label), points, kind=kind, unit=unit))
    return built, table


def _freshness(today: date) -> dict[int, bool]:
    """Which boards are quiet today, from the freshness check (cached for ten minutes)."""
    key = f"stats:quiet:{today.isoformat()}"
    quiet = cache.get(key)
    if quiet is None:
        quiet = {item.board.pk: item.is_quiet for item in board_freshness(today)}
        cache.set(key, quiet, 600)
    return quiet


def _board_table(period: Period, rows: dict, first_reply: dict, unanswered_counts: dict) -> Table:
    boards = list(Board.objects.order_by("position", "id"))
    n, s, ps = period.days, period.start, period.prev_start
    current = Q(day__gte=s)
    previous = Q(day__lt=s)
    per_board = {r["board_id"]: r for r in DailyStat.objects.filter(
        board__isnull=False, audience=period.audience, day__gte=ps, day__lte=period.end).values("board_id").order_by()
        .annotate(cur_topics=Sum("new_topics", filter=current), cur_replies=Sum("replies", filter=current),
                  prev_topics=Sum("new_topics", filter=previous), prev_replies=Sum("replies", filter=previous),
                  cur_posters=Max(f"posters_{n}", filter=Q(day=period.end)))}
    forum_posts = _sum(rows, s, period.end, "new_topics") + _sum(rows, s, period.end, "replies")
    quiet = _freshness(period.today)
    table = Table(key="boards", title=_("Boards"), headers=[
        _("Board"), _("Topics"), _("Replies"), _("Distinct posters"), _("Median hours to first reply"),
        _("Unanswered"), _("Share of activity (%)"), _("Change in posts (%)"), _("Quiet")])
    for board in boards:
        r = per_board.get(board.pk, {})
        posts = (r.get("cur_topics") or 0) + (r.get("cur_replies") or 0)
        prev = (r.get("prev_topics") or 0) + (r.get("prev_replies") or 0)
        spread = first_reply.get((1, board.pk))
        table.rows.append([
            board.name, r.get("cur_topics") or 0, r.get("cur_replies") or 0, r.get("cur_posters") or 0,
            None if spread is None else round(spread.median / HOUR, 1), unanswered_counts.get(board.pk, 0),
            round(posts / forum_posts * 100, 1) if forum_posts else None,
            round((posts - prev) / prev * 100, 1) if prev else None,
            None if board.pk not in quiet else (_("quiet") if quiet[board.pk] else _("lively"))])
    return table


def _first_reply_figures(spread_now, spread_before) -> list[Figure]:
    def h(spread, attr):
        return None if spread is None else round(getattr(spread, attr) / HOUR, 1)

    return [
        Figure("first_reply_median", _("Median hours to first reply"), h(spread_now, "median"),
               h(spread_before, "median"), unit="hours", lower_is_better=True),
        Figure("first_reply_p90", _("90th percentile hours to first reply"), h(spread_now, "p90"),
               h(spread_before, "p90"), unit="hours", lower_is_better=True),
        Figure("answered", _("Topics answered"), spread_now.count if spread_now else 0,
               spread_before.count if spread_before else 0),
    ]


def _unanswered_table(listed: list[dict]) -> Table:
    table = Table(key="unanswered", title=_("Unanswered topics"), headers=[
        _("Topic"), _("Address"), _("Board"), _("Author"), _("Created"), _("Hours waiting")])
    for item in listed:
        table.rows.append([item["title"], item["url"], item["board"], item["author"],
                           timezone.localtime(item["created_at"], d.zone()).strftime("%Y-%m-%d %H:%M"), item["hours"]])
    return table


def forum_page(period: Period) -> dict:
    rows = _rows(period, None)
    live = live_today(period)
    s, e, ps, pe, n = period.start, period.end, period.prev_start, period.prev_end, period.days
    first_reply = first_reply_spreads(period, by_board=True)
    forum_reply = first_reply_spreads(period, by_board=False)
    mature = max((day for day in rows if day <= e), default=None)
    unanswered_counts, unanswered_list = _unanswered(period, None, mature)
    summary = [
        Figure("signups", _("Signups"), _sum(rows, s, e, "signups"), _sum(rows, ps, pe, "signups")),
        Figure("active", _("Active members"), _at(rows, e, f"active_{n}"), _at(rows, pe, f"active_{n}")),
        Figure("dau", _("Average daily active members (DAU)"),
               _mean([r["active"] for day, r in rows.items() if s <= day <= e]),
               _mean([r["active"] for day, r in rows.items() if ps <= day <= pe])),
        Figure("mau", _("Active in the last 30 days (MAU)"), _at(rows, e, "active_30"), _at(rows, pe, "active_30")),
        Figure("stickiness", _("Stickiness (DAU/MAU)"), _stickiness(rows, s, e), _stickiness(rows, ps, pe),
               unit="percent"),
        Figure("posting", _("Posting members"), _at(rows, e, f"posters_{n}"), _at(rows, pe, f"posters_{n}")),
        Figure("new_topics", _("New topics"), _sum(rows, s, e, "new_topics"), _sum(rows, ps, pe, "new_topics")),
        Figure("replies", _("Replies"), _sum(rows, s, e, "replies"), _sum(rows, ps, pe, "replies")),
        Figure("likes", _("Likes"), _sum(rows, s, e, "likes"), _sum(rows, ps, pe, "likes")),
        Figure("new_contributors", _("New contributors"), _sum(rows, s, e, "new_contributors"),
               _sum(rows, ps, pe, "new_contributors")),
    ]
    responses = _first_reply_figures(forum_reply.get((1,)), forum_reply.get((0,)))
    responses.append(Figure("unanswered", _("Unanswered topics (older than 48 hours)"),
                            sum(unanswered_counts.values()), compare=False, lower_is_better=True))
    moderation, moderation_table = moderation_figures(period, rows, None)
    ranks = list(Rank.objects.order_by("order"))
    pipeline_data = pipeline(period)
    daily_charts, daily_table = _daily(period, rows, live, DAILY_FORUM)
    tables = {
        "daily": daily_table,
        "boards": _board_table(period, rows, first_reply, unanswered_counts),
        "cohorts": cohort_table(period, as_of=mature),
        "responses": _figure_table("responses", _("Response times"), responses),
        "unanswered": _unanswered_table(unanswered_list),
        "pipeline": pipeline_table(period, pipeline_data, ranks),
        "moderation": moderation_table,
    }
    by_key = {f.key: f for f in summary + responses}
    return {
        "headline": headline.forum_headline(by_key),
        "summary": summary, "responses": responses, "moderation": moderation,
        "charts": daily_charts, "tables": tables, "live": live, "unanswered": unanswered_list,
        "unanswered_total": sum(unanswered_counts.values()), "pipeline": pipeline_data,
        "missing_days": [day for day in period.days_list() if day not in rows],
        "as_of": mature,
        # admins only, like the page: whether the forum has more boards than it has activity for (one query)
        "focus": focus_advice(),
    }


def board_page(period: Period, board: Board) -> dict:
    rows = _rows(period, board)
    live = live_today(period, board)
    s, e, ps, pe, n = period.start, period.end, period.prev_start, period.prev_end, period.days
    first_reply = first_reply_spreads(period, by_board=True)
    rolled_until = last_rolled_day()
    unanswered_counts, unanswered_list = _unanswered(period, board, rolled_until)
    summary = [
        Figure("posting", _("Posting members"), _at(rows, e, f"posters_{n}") or 0,
               _at(rows, pe, f"posters_{n}") or 0),
        Figure("new_topics", _("New topics"), _sum(rows, s, e, "new_topics"), _sum(rows, ps, pe, "new_topics")),
        Figure("replies", _("Replies"), _sum(rows, s, e, "replies"), _sum(rows, ps, pe, "replies")),
        Figure("likes", _("Likes"), _sum(rows, s, e, "likes"), _sum(rows, ps, pe, "likes")),
    ]
    responses = _first_reply_figures(first_reply.get((1, board.pk)), first_reply.get((0, board.pk)))
    responses.append(Figure("unanswered", _("Unanswered topics (older than 48 hours)"),
                            unanswered_counts.get(board.pk, 0), compare=False, lower_is_better=True))
    moderation, moderation_table = moderation_figures(period, rows, board)
    pipeline_data = pipeline(period, board)
    daily_charts, daily_table = _daily(period, rows, live, DAILY_BOARD)
    quiet = _freshness(period.today).get(board.pk)
    tables = {
        "daily": daily_table,
        "responses": _figure_table("responses", _("Response times"), responses),
        "unanswered": _unanswered_table(unanswered_list),
        "moderation": moderation_table,
    }
    by_key = {f.key: f for f in summary + responses}
    return {
        "headline": headline.board_headline(by_key),
        "summary": summary, "responses": responses, "moderation": moderation, "charts": daily_charts,
        "tables": tables, "live": live, "unanswered": unanswered_list,
        "unanswered_total": unanswered_counts.get(board.pk, 0), "pipeline": pipeline_data, "quiet": quiet,
        "missing_days": _missing_after(rolled_until, period),
    }


def _missing_after(last: date | None, period: Period) -> list[date]:
    """The period's days the rollup has not reached yet (a board's quiet days have no rows: not missing)."""
    return [day for day in period.days_list() if last is None or day > last]
