"""The rank ladder: measuring members, recomputing ranks, and explaining a member's standing.

Recomputing is set-based: a handful of GROUP BY queries measure every member at once, Python compares
the numbers with the ladder, and only the members whose rank changes are written, in batches. It is
idempotent (a second run changes nothing) and touches only rank columns, so members can post while it
runs.
"""
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards.models import Post, PostLike
from members.models import MemberVisit, Rank, RankChange, User
from members.ranks import ladder
from notices.services import notices_create_bulk

logger = logging.getLogger(__name__)

DROP_FRACTION = 0.9  # a member drops only once below 90% of a threshold
NO_DROP_AFTER_PROMOTION = timedelta(days=14)
SIX_MONTHS = timedelta(days=182)

UNWINDOWED = ("topics_entered", "posts_read", "featured_topics")  # counted on the member, whatever the window
EMPTY = {"days_visited": 0, "posts": 0, "topics_replied": 0, "likes_received": 0, "distinct_likers": 0,
         "likes_given": 0}


def windowed_metrics(window_days: int, *, now: datetime, member_ids=None) -> dict[int, dict]:
    """Per member, the counts that live in a window (0: all time). Four GROUP BY queries in all."""
    since = now - timedelta(days=window_days) if window_days else None
    posts = Post.objects.filter(is_hidden=False, is_awaiting_approval=False)
    visits = MemberVisit.objects.all()
    likes = PostLike.objects.all()
    if since is not None:
        posts = posts.filter(created_at__gte=since)
        visits = visits.filter(day__gte=since.date())
        likes = likes.filter(created_at__gte=since)
    if member_ids is not None:
        posts = posts.filter(author_id__in=member_ids)
        visits = visits.filter(member_id__in=member_ids)
    metrics: dict[int, dict] = {}

    def row(member_id):
        return metrics.setdefault(member_id, dict(EMPTY))

    for member_id, n, topics in (posts.values_list("author_id").annotate(
            n=Count("id"), topics=Count("topic_id", distinct=True, filter=Q(position__gt=1)))):
        row(member_id).update(posts=n, topics_replied=topics)
    for member_id, n in visits.values_list("member_id").annotate(n=Count("id")):
        row(member_id)["days_visited"] = n
    received = likes.filter(post__author_id__in=member_ids) if member_ids is not None else likes
    for member_id, n, likers in received.values_list("post__author_id").annotate(
            n=Count("id"), likers=Count("member_id", distinct=True)):
        row(member_id).update(likes_received=n, distinct_likers=likers)
    given = likes.filter(member_id__in=member_ids) if member_ids is not None else likes
    for member_id, n in given.values_list("member_id").annotate(n=Count("id")):
        row(member_id)["likes_given"] = n
    return metrics


@dataclass
class Standing:
    """What a member has, measured against one rank."""

    rank: Rank
    metrics: dict
    upheld_recent: int
    suspended_recently: bool

    def criteria(self) -> list[dict]:
        rows = []
        for field, key, label in Rank.CRITERIA:
            need = getattr(self.rank, field)
            if need:
                have = self.metrics.get(key, 0)
                window = self.rank.window_days if key not in UNWINDOWED else 0
                rows.append({"key": key, "label": label, "have": have, "need": need, "met": have >= need,
                             "missing": max(need - have, 0), "window_days": window,
                             "drop_below": int(need * DROP_FRACTION + 0.9999)})
        return rows

    def record_ok(self) -> bool:
        if self.rank.max_upheld_reports is not None and self.upheld_recent > self.rank.max_upheld_reports:
            return False
        return not (self.rank.requires_clean_record and self.suspended_recently)

    def meets(self, fraction: float = 1.0) -> bool:
        if not self.record_ok():
            return False
        return all(row["have"] >= row["need"] * fraction for row in self.criteria())

    def missing_summary(self) -> str:
        parts = []
        for row in self.criteria():
            if not row["met"]:
                parts.append(ngettext("%(n)d more %(what)s", "%(n)d more %(what)s", row["missing"])
                             % {"n": row["missing"], "what": row["label"]})
        return ", ".join(parts)


def _record(user: User, now: datetime) -> tuple[int, bool]:
    upheld_recent = user.upheld_reports if (user.last_upheld_report_at and
                                            now - user.last_upheld_report_at < SIX_MONTHS) else 0
    suspended_recently = bool(user.last_suspended_at and now - user.last_suspended_at < SIX_MONTHS)
    return upheld_recent, suspended_recently


def standing_for(user: User, rank: Rank, *, now: datetime | None = None,
                 cache: dict[int, dict] | None = None) -> Standing:
    """One member against one rank (for the "My standing" page)."""
    now = now or timezone.now()
    cache = cache if cache is not None else {}
    if rank.window_days not in cache:
        cache[rank.window_days] = windowed_metrics(rank.window_days, now=now, member_ids=[user.pk])
    metrics = {**EMPTY, **cache[rank.window_days].get(user.pk, {}),
               "topics_entered": user.topics_entered, "posts_read": user.posts_read,
               "featured_topics": user.featured_topics}
    upheld, suspended = _record(user, now)
    return Standing(rank=rank, metrics=metrics, upheld_recent=upheld, suspended_recently=suspended)


@dataclass
class RecomputeResult:
    members: int = 0
    promoted: int = 0
    dropped: int = 0
    pending_drop: int = 0
    seconds: float = 0.0


USER_FIELDS = ["id", "rank_id", "rank_order", "rank_changed_at", "rank_locked", "promoted_at", "below_rank_since",
               "topics_entered", "posts_read", "featured_topics",
               "upheld_reports", "last_upheld_report_at", "last_suspended_at", "is_active"]


def recompute_ranks(*, now: datetime | None = None, grace_days: int | None = None) -> RecomputeResult:
    started = timezone.now()
    now = now or started
    today: date = timezone.localdate(now)
    grace = timedelta(days=settings.HEARTH["RANK_GRACE_DAYS"] if grace_days is None else grace_days)
    steps = ladder()
    if not steps:
        return RecomputeResult()
    by_id = {r.pk: r for r in steps}
    windows = {w: windowed_metrics(w, now=now) for w in {r.window_days for r in steps}}
    result = RecomputeResult()
    changed: list[User] = []
    history: list[RankChange] = []
    notices: list[dict] = []

    for user in User.objects.filter(is_active=True).only(*USER_FIELDS).iterator(chunk_size=5000):
        result.members += 1
        if user.rank_locked:
            continue
        upheld, suspended = _record(user, now)

        def standing(rank, user=user, upheld=upheld, suspended=suspended):
            metrics = {**EMPTY, **windows[rank.window_days].get(user.pk, {}),
                       "topics_entered": user.topics_entered, "posts_read": user.posts_read,
                       "featured_topics": user.featured_topics}
            return Standing(rank=rank, metrics=metrics, upheld_recent=upheld, suspended_recently=suspended)

        target = steps[0]
        for rank in steps[1:]:
            if standing(rank).meets():
                target = rank
            else:
                break  # ranks are earned in order
        current = by_id.get(user.rank_id)
        if current is None:  # first time ranked: no news, just a place on the ladder
            _set_rank(user, target, now, promoted=False)
            changed.append(user)
            continue
        if target.order > current.order:
            history.append(RankChange(member_id=user.pk, kind=RankChange.Kind.PROMOTED, from_rank=current,
                                      to_rank=target))
            notices.append(_notice(user, "rank_promoted", {"rank": target.name}))
            _set_rank(user, target, now, promoted=True)
            changed.append(user)
            result.promoted += 1
        elif standing(current).meets(DROP_FRACTION) or (user.promoted_at and now - user.promoted_at <
                                                        NO_DROP_AFTER_PROMOTION):
            if user.below_rank_since is not None and standing(current).meets(DROP_FRACTION):
                user.below_rank_since = None
                changed.append(user)
        elif user.below_rank_since is None:
            user.below_rank_since = today
            changed.append(user)
            result.pending_drop += 1
        elif today - user.below_rank_since >= grace:
            lower = max((r for r in steps if r.order < current.order), key=lambda r: r.order, default=current)
            history.append(RankChange(member_id=user.pk, kind=RankChange.Kind.DROPPED, from_rank=current,
                                      to_rank=lower, reason=_("Activity fell below the rank's thresholds.")))
            notices.append(_notice(user, "rank_dropped", {"rank": lower.name, "previous": current.name}))
            _set_rank(user, lower, now, promoted=False)
            changed.append(user)
            result.dropped += 1
        else:
            result.pending_drop += 1

    with transaction.atomic():
        _write_ranks(changed)
        RankChange.objects.bulk_create(history, batch_size=2000)
        notices_create_bulk(items=notices)
    result.seconds = (timezone.now() - started).total_seconds()
    logger.info("ranks recomputed", extra={"members": result.members, "promoted": result.promoted,
                                           "dropped": result.dropped})
    return result


RANK_FIELDS = ["rank", "rank_order", "rank_changed_at", "promoted_at", "below_rank_since"]


def _write_ranks(users: list[User]) -> None:
    """Write the rank columns of many members. On PostgreSQL one UPDATE … FROM unnest(arrays) per
    10,000 members (Django's bulk_update builds a CASE per row and is ~20x slower at this size)."""
    if connection.vendor != "postgresql":
        User.objects.bulk_update(users, RANK_FIELDS, batch_size=2000)
        return
    table = User._meta.db_table
    sql = (f"UPDATE {table} AS u SET rank_id = v.rank_id, rank_order = v.rank_order, "  # noqa: S608
           "rank_changed_at = v.changed, promoted_at = v.promoted, below_rank_since = v.below "
           "FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[], %s::timestamptz[], %s::timestamptz[], "
           "%s::date[]) AS v(id, rank_id, rank_order, changed, promoted, below) WHERE u.id = v.id")
    with connection.cursor() as cursor:
        for i in range(0, len(users), 10000):
            batch = users[i:i + 10000]
            cursor.execute(sql, [[u.pk for u in batch], [u.rank_id for u in batch], [u.rank_order for u in batch],
                                 [u.rank_changed_at for u in batch], [u.promoted_at for u in batch],
                                 [u.below_rank_since for u in batch]])


def _set_rank(user: User, rank: Rank, now: datetime, *, promoted: bool) -> None:
    user.rank = rank
    user.rank_order = rank.order
    user.rank_changed_at = now
    user.below_rank_since = None
    if promoted:
        user.promoted_at = now


def _notice(user: User, verb: str, params: dict) -> dict:
    return {"recipient_id": user.pk, "verb": verb, "params": params, "url": reverse("standing:standing")}
