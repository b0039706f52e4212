"""The rank ladder: thresholds at their boundaries, the rolling window, earning ranks in order, the 90% drop
rule with its grace period, locks, idempotence, notices, and a recompute whose cost does not grow per member.

Time is controlled by passing `now=` to recompute_ranks and by moving timestamps with queryset .update()."""
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services
from boards.models import Post, PostLike
from members.models import MemberVisit, Rank, RankChange, User
from notices.models import Notice
from standing.ranks import recompute_ranks, standing_for
from tests.factories import BoardFactory, UserFactory, make_topic, rank_at

pytestmark = pytest.mark.django_db

ZERO = {**{field: 0 for field, _key, _label in Rank.CRITERIA}, "max_upheld_reports": None,
        "requires_clean_record": False}
UNREACHABLE = {"min_posts": 10**6}
NEED = 3  # the threshold used for the boundary tests


def set_ladder(steps: dict[int, dict], *, window_days: int = 30) -> None:
    """Rewrite the default ladder so that only the given criteria matter: ranks not named are out of reach,
    and the first step holds nothing for approval (so the test members' posts count at once)."""
    rank_at(0)  # puts the default ladder back when a flushed database lost it
    Rank.objects.filter(order=0).update(approval_posts=0, max_links=None, max_images=None)
    for order in range(1, 5):
        Rank.objects.filter(order=order).update(**{**ZERO, "window_days": window_days,
                                                   **steps.get(order, UNREACHABLE)})


def newcomer(**kwargs) -> User:
    return UserFactory(rank=rank_at(0), **kwargs)


def order_of(member: User) -> int | None:
    member.refresh_from_db()
    return member.rank.order if member.rank_id else None


def add_visits(member: User, n: int, *, today=None, start: int = 0) -> None:
    """Visits on n distinct days, the newest `start` days before today."""
    today = today or timezone.localdate()
    MemberVisit.objects.bulk_create([MemberVisit(member=member, day=today - timedelta(days=start + i))
                                     for i in range(n)])


def add_replies(member: User, n: int, *, topic=None) -> list[Post]:
    """n replies by `member` in one topic someone else started."""
    topic = topic or make_topic(board=BoardFactory(), author=UserFactory(), title="Somebody's topic")
    return [services.post_create(topic=topic, author=member, body=f"Reply {i} by {member.username} in {topic.pk}")
            for i in range(n)]


def give(member: User, field: str, n: int) -> None:
    """Exactly n of what `field` measures, and as little as possible of anything else."""
    if field == "min_posts":
        add_replies(member, n)
    elif field == "min_days_visited":
        add_visits(member, n)
    elif field == "min_topics_replied":
        board = BoardFactory()
        for i in range(n):
            add_replies(member, 1, topic=make_topic(board=board, author=UserFactory(), title=f"Topic {i}"))
    elif field in ("min_topics_entered", "min_posts_read"):
        User.objects.filter(pk=member.pk).update(**{field.removeprefix("min_"): n})
    elif field == "min_featured":
        admin = UserFactory(is_superuser=True, is_staff=True)
        board = BoardFactory()
        for i in range(n):
            topic = make_topic(board=board, author=member, title=f"Gem {i}")
            services.topic_feature(topic=topic, actor=admin, level=1)
    elif field == "min_likes_received":
        for post in add_replies(member, n):
            services.post_like(member=UserFactory(), post=post)
    elif field == "min_likes_given":
        topic = make_topic(board=BoardFactory(), author=UserFactory(), replies=n)
        for post in Post.objects.filter(topic=topic).order_by("position")[:n]:
            services.post_like(member=member, post=post)
    else:
        raise AssertionError(field)


# --- thresholds at their boundaries -----------------------------------------------------------------------------

CRITERIA = ["min_posts", "min_days_visited", "min_topics_replied", "min_topics_entered", "min_posts_read",
            "min_likes_received", "min_likes_given", "min_featured"]


@pytest.mark.parametrize("delta", [-1, 0, 1], ids=["one-below", "exactly-at", "one-above"])
@pytest.mark.parametrize("field", CRITERIA)
def test_a_threshold_is_met_exactly_at_its_value(field, delta):
    set_ladder({1: {field: NEED}})
    member = newcomer()
    give(member, field, NEED + delta)

    result = recompute_ranks(now=timezone.now())

    assert order_of(member) == (1 if delta >= 0 else 0)
    assert result.promoted == (1 if delta >= 0 else 0)


def test_many_likes_from_one_friend_do_not_count_as_many_likers():
    set_ladder({1: {"min_likes_received": 3, "min_distinct_likers": 3}})
    farmed, fair, almost = newcomer(username="farmed"), newcomer(username="fair"), newcomer(username="almost")
    friend = UserFactory(username="friend")
    for post in add_replies(farmed, 6):  # six likes, all from the same friend
        services.post_like(member=friend, post=post)
    for post in add_replies(fair, 3):  # three likes from three members
        services.post_like(member=UserFactory(), post=post)
    first, second = UserFactory(), UserFactory()
    for i, post in enumerate(add_replies(almost, 4)):  # four likes from two members
        services.post_like(member=first if i % 2 else second, post=post)

    recompute_ranks(now=timezone.now())

    farmed.refresh_from_db()
    assert farmed.likes_received == 6
    assert order_of(farmed) == 0
    assert order_of(fair) == 1
    assert order_of(almost) == 0
    standing = standing_for(farmed, rank_at(1))
    assert standing.metrics["likes_received"] == 6 and standing.metrics["distinct_likers"] == 1
    assert not standing.meets()


@pytest.mark.parametrize(("upheld", "months_ago", "promoted"), [
    (1, 1, True),    # at the limit
    (2, 1, False),   # one over, recently
    (2, 7, True),    # over, but more than six months ago
])
def test_upheld_reports_within_six_months(upheld, months_ago, promoted):
    set_ladder({1: {"min_topics_entered": 1, "max_upheld_reports": 1}})
    member = newcomer(topics_entered=1, upheld_reports=upheld,
                      last_upheld_report_at=timezone.now() - timedelta(days=30 * months_ago))

    recompute_ranks(now=timezone.now())

    assert order_of(member) == (1 if promoted else 0)


@pytest.mark.parametrize(("suspended_days_ago", "promoted"), [(None, True), (30, False), (190, True)])
def test_a_clean_record_means_no_suspension_in_six_months(suspended_days_ago, promoted):
    set_ladder({1: {"min_topics_entered": 1, "requires_clean_record": True}})
    when = timezone.now() - timedelta(days=suspended_days_ago) if suspended_days_ago else None
    member = newcomer(topics_entered=1, last_suspended_at=when)

    recompute_ranks(now=timezone.now())

    assert order_of(member) == (1 if promoted else 0)


def test_the_default_ladder_makes_a_newcomer_who_read_around_a_member():
    rank_at(0)
    ready = newcomer(username="ready", topics_entered=5, posts_read=30)
    short = newcomer(username="short", topics_entered=5, posts_read=29)
    for member in (ready, short):
        add_visits(member, 2)

    recompute_ranks(now=timezone.now())

    assert order_of(ready) == 1
    assert order_of(short) == 0


# --- the rolling window -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age_days", "promoted"), [(29, True), (31, False)])
def test_posts_older_than_the_window_do_not_count(age_days, promoted):
    set_ladder({1: {"min_posts": 3}}, window_days=30)
    member = newcomer()
    posts = add_replies(member, 3)
    Post.objects.filter(pk=posts[0].pk).update(created_at=timezone.now() - timedelta(days=age_days))

    recompute_ranks(now=timezone.now())

    assert order_of(member) == (1 if promoted else 0)


@pytest.mark.parametrize(("oldest_day", "promoted"), [(30, True), (31, False)])
def test_visits_older_than_the_window_do_not_count(oldest_day, promoted):
    set_ladder({1: {"min_days_visited": 3}}, window_days=30)
    member = newcomer()
    today = timezone.localdate()
    MemberVisit.objects.bulk_create([MemberVisit(member=member, day=today - timedelta(days=d))
                                     for d in (0, 1, oldest_day)])

    recompute_ranks(now=timezone.now())

    assert order_of(member) == (1 if promoted else 0)


def test_likes_older_than_the_window_do_not_count_either_way():
    set_ladder({1: {"min_likes_received": 2, "min_likes_given": 2}}, window_days=30)
    member = newcomer()
    give(member, "min_likes_received", 2)
    give(member, "min_likes_given", 2)
    recompute_ranks(now=timezone.now() + timedelta(days=31))  # a month on, none of those likes count
    assert order_of(member) == 0

    recompute_ranks(now=timezone.now())
    assert order_of(member) == 1

    # a like given long ago is out of the window too
    other = newcomer(username="other")
    give(other, "min_likes_received", 2)
    give(other, "min_likes_given", 2)
    first_given = PostLike.objects.filter(member=other).order_by("id").first()
    PostLike.objects.filter(pk=first_given.pk).update(created_at=timezone.now() - timedelta(days=40))
    recompute_ranks(now=timezone.now())
    assert order_of(other) == 0


def test_a_window_of_zero_counts_all_time_and_lifetime_counters_ignore_the_window():
    set_ladder({1: {"min_posts": 2, "min_topics_entered": 4, "min_posts_read": 4}}, window_days=0)
    member = newcomer(topics_entered=4, posts_read=4)
    posts = add_replies(member, 2)
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=timezone.now() - timedelta(days=1000))

    recompute_ranks(now=timezone.now())

    assert order_of(member) == 1


def test_ranks_are_earned_in_order():
    """Meeting the second step's criteria is not enough while the first step's are not met."""
    set_ladder({1: {"min_days_visited": 3}, 2: {"min_topics_entered": 2}})
    member = newcomer(topics_entered=2)
    recompute_ranks(now=timezone.now())
    assert order_of(member) == 0

    add_visits(member, 3)
    result = recompute_ranks(now=timezone.now())
    assert order_of(member) == 2  # both steps met: straight to the second, in one promotion
    assert result.promoted == 1
    change = RankChange.objects.get(member=member)
    assert (change.kind, change.from_rank.order, change.to_rank.order) == (RankChange.Kind.PROMOTED, 0, 2)


# --- promotion, first ranking, idempotence ----------------------------------------------------------------------


def test_a_promotion_is_recorded_and_told():
    set_ladder({1: {"min_topics_entered": 1}})
    member = newcomer(topics_entered=1)
    now = timezone.now()

    result = recompute_ranks(now=now)

    assert result.promoted == 1 and result.dropped == 0
    member.refresh_from_db()
    assert member.rank.order == 1 and member.rank_order == 1
    assert member.promoted_at == now and member.rank_changed_at == now
    change = RankChange.objects.get(member=member)
    assert change.kind == RankChange.Kind.PROMOTED
    assert (change.from_rank.order, change.to_rank.order) == (0, 1)
    notice = Notice.objects.get(recipient=member)
    assert rank_at(1).name in notice.title
    assert notice.url == "/standing/"
    assert member.unread_notice_count == 1


def test_first_ranking_places_a_member_without_news():
    set_ladder({1: {"min_topics_entered": 1}})
    active = UserFactory(username="active", rank=None, topics_entered=1)
    quiet = UserFactory(username="quiet", rank=None)

    result = recompute_ranks(now=timezone.now())

    assert order_of(active) == 1 and active.rank_order == 1
    assert order_of(quiet) == 0
    assert result.promoted == 0
    assert not RankChange.objects.exists()
    assert not Notice.objects.exists()


def test_recompute_is_idempotent():
    set_ladder({1: {"min_days_visited": 2}})
    now = timezone.now()
    newcomer(username="rising", topics_entered=1)
    add_visits(newcomer(username="climber"), 2)
    UserFactory(username="unranked", rank=None)
    UserFactory(username="slipping", promoted_at=now - timedelta(days=90))
    UserFactory(username="falling", promoted_at=now - timedelta(days=90),
                below_rank_since=timezone.localdate(now) - timedelta(days=30))

    first = recompute_ranks(now=now)
    assert (first.promoted, first.dropped) == (1, 1)
    changes, notices = RankChange.objects.count(), Notice.objects.count()
    ranks = dict(User.objects.values_list("username", "rank_id"))

    second = recompute_ranks(now=now)

    assert (second.promoted, second.dropped) == (0, 0)
    assert RankChange.objects.count() == changes
    assert Notice.objects.count() == notices
    assert dict(User.objects.values_list("username", "rank_id")) == ranks


def test_inactive_and_locked_members_are_left_alone():
    set_ladder({1: {"min_topics_entered": 1}})
    now = timezone.now()
    locked_high = UserFactory(username="lockedhigh", rank_locked=True, promoted_at=now - timedelta(days=90),
                              below_rank_since=timezone.localdate(now) - timedelta(days=100))
    locked_low = newcomer(username="lockedlow", rank_locked=True, topics_entered=50)
    banned = newcomer(username="banned", is_active=False, topics_entered=50)

    for days in (0, 30, 60):
        recompute_ranks(now=now + timedelta(days=days))

    assert order_of(locked_high) == 1
    assert order_of(locked_low) == 0
    assert order_of(banned) == 0
    assert not RankChange.objects.exists() and not Notice.objects.exists()


# --- dropping ---------------------------------------------------------------------------------------------------


@pytest.fixture
def grace(settings):
    settings.HEARTH = {**settings.HEARTH, "RANK_GRACE_DAYS": 10}
    return 10


def ranked_member(**kwargs) -> User:
    """A Member promoted long ago (the 14 days after a promotion protect nothing here)."""
    return UserFactory(promoted_at=timezone.now() - timedelta(days=90), **kwargs)


@pytest.mark.parametrize(("visits", "pending"), [(8, True), (9, False), (10, False)])
def test_below_90_percent_starts_the_grace_period_without_a_drop(visits, pending):
    set_ladder({1: {"min_days_visited": 10}}, window_days=100)
    member = ranked_member()
    add_visits(member, visits)
    now = timezone.now()

    result = recompute_ranks(now=now)

    assert order_of(member) == 1
    assert member.below_rank_since == (timezone.localdate(now) if pending else None)
    assert (result.pending_drop, result.dropped) == ((1 if pending else 0), 0)
    assert not RankChange.objects.exists() and not Notice.objects.exists()


def test_still_below_after_the_grace_period_drops_exactly_one_step(grace):
    set_ladder({1: {"min_days_visited": 10}}, window_days=100)
    member = ranked_member()
    add_visits(member, 8)
    now = timezone.now()

    recompute_ranks(now=now)
    assert recompute_ranks(now=now + timedelta(days=grace - 1)).dropped == 0
    assert order_of(member) == 1

    result = recompute_ranks(now=now + timedelta(days=grace))

    assert result.dropped == 1
    assert order_of(member) == 0
    assert member.rank_order == 0 and member.below_rank_since is None
    change = RankChange.objects.get(member=member)
    assert change.kind == RankChange.Kind.DROPPED
    assert (change.from_rank.order, change.to_rank.order) == (1, 0)
    notice = Notice.objects.get(recipient=member)
    assert rank_at(0).name in notice.title
    assert member.unread_notice_count == 1


def test_a_drop_is_one_step_at_a_time_from_high_up(grace):
    set_ladder({1: {"min_days_visited": 2}, 2: {"min_days_visited": 5}, 3: {"min_days_visited": 10}})
    now = timezone.now()
    veteran = ranked_member(rank=rank_at(3), below_rank_since=timezone.localdate(now) - timedelta(days=grace))

    recompute_ranks(now=now)

    assert order_of(veteran) == 2
    change = RankChange.objects.get(member=veteran)
    assert (change.from_rank.order, change.to_rank.order) == (3, 2)
    # the next step down starts its own grace period
    recompute_ranks(now=now)
    assert order_of(veteran) == 2
    assert veteran.below_rank_since == timezone.localdate(now)


def test_recovering_above_90_percent_clears_the_grace_period(grace):
    set_ladder({1: {"min_days_visited": 10}}, window_days=100)
    member = ranked_member()
    add_visits(member, 8, start=1)
    now = timezone.now()
    recompute_ranks(now=now)
    member.refresh_from_db()
    assert member.below_rank_since is not None

    add_visits(member, 1)  # today: 9 of 10, exactly 90%
    recompute_ranks(now=now)
    member.refresh_from_db()
    assert member.below_rank_since is None

    recompute_ranks(now=now + timedelta(days=grace + 1))
    assert order_of(member) == 1
    assert not RankChange.objects.exists()


def test_at_95_percent_there_is_no_drop_at_all(grace):
    set_ladder({1: {"min_days_visited": 20}}, window_days=100)
    member = ranked_member()
    add_visits(member, 19)
    now = timezone.now()

    for days in (0, grace, 2 * grace, 3 * grace):
        recompute_ranks(now=now + timedelta(days=days))

    assert order_of(member) == 1
    assert member.below_rank_since is None
    assert not RankChange.objects.exists()


def test_never_dropped_within_14_days_of_a_promotion():
    set_ladder({1: {"min_days_visited": 10}}, window_days=100)
    now = timezone.now()
    member = UserFactory(promoted_at=now - timedelta(days=13))

    result = recompute_ranks(now=now, grace_days=0)
    assert order_of(member) == 1
    assert member.below_rank_since is None
    assert result.dropped == 0

    later = now + timedelta(days=1)  # 14 days after the promotion: the grace period may start
    recompute_ranks(now=later, grace_days=0)
    assert order_of(member) == 1
    assert member.below_rank_since == timezone.localdate(later)
    recompute_ranks(now=later, grace_days=0)
    assert order_of(member) == 0


def test_a_locked_rank_is_never_dropped(grace):
    set_ladder({1: {"min_days_visited": 10}}, window_days=100)
    member = ranked_member(rank_locked=True)
    now = timezone.now()

    for days in (0, grace, 5 * grace):
        recompute_ranks(now=now + timedelta(days=days))

    assert order_of(member) == 1
    assert member.below_rank_since is None


# --- set-based: the same queries for 5 members or 40 ------------------------------------------------------------


def add_mixed_members(n: int, now) -> None:
    """Members in every situation the recompute handles: first ranked, promoted, starting a grace period,
    dropped, locked."""
    today = timezone.localdate(now)
    long_ago = now - timedelta(days=90)
    for i in range(n):
        kind = i % 5
        if kind == 0:
            add_visits(UserFactory(rank=None), 2)
        elif kind == 1:
            add_visits(newcomer(), 2)
        elif kind == 2:
            UserFactory(promoted_at=long_ago)
        elif kind == 3:
            UserFactory(promoted_at=long_ago, below_rank_since=today - timedelta(days=30))
        else:
            UserFactory(rank_locked=True)


def test_recompute_costs_the_same_queries_for_5_members_or_40():
    set_ladder({1: {"min_days_visited": 2}, 2: {"min_posts": 5}}, window_days=30)
    Rank.objects.filter(order=1).update(window_days=0)  # two windows, as in the default ladder
    now = timezone.now()

    add_mixed_members(5, now)
    with CaptureQueriesContext(connection) as small:
        result = recompute_ranks(now=now)
    assert result.members == 5 and result.promoted == 1 and result.dropped == 1

    add_mixed_members(35, now)
    with CaptureQueriesContext(connection) as large:
        result = recompute_ranks(now=now)
    assert result.members == 40 and result.promoted == 7 and result.dropped == 7

    print(f"recompute: {len(small)} queries for 5 members, {len(large)} for 40")  # shown with -s
    def shapes(ctx):
        return Counter(re.sub(r"\d+", "N", q["sql"])[:100] for q in ctx.captured_queries)

    extra = shapes(large) - shapes(small)
    assert len(small) == len(large), f"queries that grew with the members: {dict(extra)}"
    assert len(large) <= 20
