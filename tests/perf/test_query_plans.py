"""The hot queries' plans on PostgreSQL: each page's rows come from the index made for its order, never from
a scan of a whole big table or a sort of one, so they cost the same on a forum ten times the size.

How the check is made meaningful. On a test database of a few rows the planner rightly prefers sequential
scans, so a plan proves nothing there. These tests load a forum of realistic shape and some size once per
module: bench/fastseed.py's forum (the bench's: 8 boards, 5,000 members, 5,000 topics, 60,000 posts with
real bodies, a long topic of 6,000 posts), plus featured topics, notices, moderation cases and a moderation
log, then VACUUM ANALYZE it, as a live site's autovacuum would. With the real statistics of real row counts,
the planner's choice is the one it makes in production at that size (bench/explain.py shows the same plans
on 1,000,000 posts). Planner settings are left alone: no `enable_seqscan = off`.

Each query is built by the function the page calls (the selectors, the feeds, the sitemap, the freshness
check, the rank recompute) and read with EXPLAIN (FORMAT JSON): it must use its index, read no big table
sequentially and sort no more than a page of rows. The two lists read by key (forum.pagination.Keyset: the
notifications and the members list, whose deep pages an OFFSET made read every row above them) are also run,
under EXPLAIN ANALYZE: their first and last pages, both ways, enter the index at the page's key and read no more
rows than the page's.

And each check must be able to fail: for every check a second test drops the index it relies on (inside the
test's transaction, which rolls the DROP back) and expects the same check to fail.
"""
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.fastseed import seed_forum
from boards import freshness
from boards.feeds import BoardTopicsFeed, LatestTopicsFeed, Scope, TopicPostsFeed
from boards.models import Board, Post, Topic
from boards.selectors import (
    board_topics_page,
    featured_topics_page,
    focus_advice,
    member_recent_posts,
    topic_posts_page,
)
from boards.sitemaps import TopicSitemap
from forum.pagination import num_pages, rows_between
from members.models import User
from moderation.models import Case, ModerationAction
from moderation.selectors import log_page, queue
from notices.models import Notice
from notices.selectors import NOTICE_ORDER, NOTICES_PER_PAGE, notices_page
from standing.ranks import windowed_metrics
from standing.selectors import MEMBERS_PER_PAGE, SORTS, member_page
from stats.rollup import posts_of
from tests.perf.plans import (
    BIG_TABLES,
    assert_no_big_sort,
    assert_no_seq_scan,
    assert_reads_at_most,
    assert_starts_at_key,
    assert_uses_index,
    assert_uses_one_of,
    describe,
    explain,
    indexes_used,
    nodes,
    plan_of,
    the_plan,
)

VISITOR = AnonymousUser()  # the pages below as a visitor reads them (no board by rank)

pytestmark = pytest.mark.django_db

SIZES = {"boards": 8, "users": 5000, "topics": 5000, "posts": 60_000, "long_topic": 6000, "seed": 1}
PAGE = 100  # a sort of this many rows is a page's (or a few pages'), not a table's

PLANNED_TABLES = ("boards_board", "boards_topic", "boards_post", "search_postdocument", "members_user",
                  "account_emailaddress", "members_notice", "moderation_moderationaction", "moderation_case")


def empty_forum() -> None:
    with connection.cursor() as cursor:
        for sql in ("DELETE FROM moderation_moderationaction", "DELETE FROM moderation_case",
                    "DELETE FROM members_notice", "DELETE FROM search_postdocument",
                    "UPDATE boards_board SET last_post_id = NULL",
                    "UPDATE boards_topic SET first_post_id = NULL, last_post_id = NULL",
                    "DELETE FROM boards_post", "DELETE FROM boards_topic", "DELETE FROM boards_board",
                    "DELETE FROM account_emailaddress", "DELETE FROM members_user"):
            cursor.execute(sql)


@pytest.fixture(scope="module")
def forum(django_db_setup, django_db_blocker):
    """The loaded forum (committed for the module's tests, removed after them)."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            # the statistics are the ones this fixture's VACUUM ANALYZE takes, not whatever an autovacuum worker
            # samples at some moment during the tests (a plan must not depend on when that ran)
            for table in PLANNED_TABLES:
                cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
            # each load's commit is on disk before the VACUUM that follows it: with the throwaway cluster's
            # synchronous_commit = off, a VACUUM right after a commit not yet flushed may not mark its rows
            # visible to all (their hint bits wait for the flush), so how much of a table an index-only scan
            # could read without the heap, and with it the plan, depended on the WAL writer's timing
            cursor.execute("SET synchronous_commit = on")
        empty_forum()
        seed_forum(**SIZES)
        now = timezone.now()
        admin = User.objects.create(username="plans-admin", is_superuser=True, is_staff=True, email="a@example.com")
        reader = User.objects.filter(username__startswith="member").order_by("id").first()
        members = list(User.objects.filter(username__startswith="member").values_list("pk", flat=True))
        topics = list(Topic.objects.order_by("id").values_list("pk", "board_id"))
        # one topic in five featured (1,000): with a hundred, reading them all and sorting is the cheaper plan,
        # and the check would say nothing about a forum where the 精华 list is long
        Topic.objects.filter(pk__in=[pk for pk, _ in topics[::5]]).update(featured_level=1, featured_at=now)
        # notices: a few for everyone, 2,000 for one reader; a log of 20,000 acts; 3,000 cases, 40 still open
        Notice.objects.bulk_create(
            [Notice(recipient_id=members[i % len(members)], title="n") for i in range(20_000)]
            + [Notice(recipient=reader, title="mine") for _ in range(2000)], batch_size=5000)
        post_ids = list(Post.objects.order_by("id").values_list("pk", "topic__board_id", "author_id")[:3000])
        ModerationAction.objects.bulk_create(
            [ModerationAction(actor=admin, action="hide", board_id=topics[i % len(topics)][1]) for i in range(20_000)],
            batch_size=5000)
        Case.objects.bulk_create(
            [Case(kind="post", post_id=pk, board_id=board_id, member_id=author,
                  state="open" if i % 75 == 0 else "resolved", weight=i % 7) for i, (pk, board_id, author)
             in enumerate(post_ids)], batch_size=5000)
        with connection.cursor() as cursor:  # spread the times, as a live forum's are
            cursor.execute("UPDATE members_notice SET created_at = now() - id * interval '1 minute'")
            cursor.execute("UPDATE moderation_moderationaction SET created_at = now() - id * interval '1 minute'")
            cursor.execute("UPDATE moderation_case SET created_at = now() - id * interval '1 hour'")
            cursor.execute("VACUUM ANALYZE boards_topic, members_notice, moderation_moderationaction, "
                           "moderation_case")
        long_topic = Topic.objects.order_by("-post_count").first()
        board = Board.objects.order_by("-topic_count", "id").first()
        yield {"admin": admin, "reader": reader, "long_topic": long_topic, "board": board}
        empty_forum()
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
            for table in PLANNED_TABLES:
                cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


def drop(*statements: str) -> None:
    """Drop indexes inside the test's transaction (rolled back with it) and refresh the statistics."""
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# ---------------------------------------------------------------- the checks

def check_topic_pages(forum) -> None:
    topic = forum["long_topic"]
    last = num_pages(topic.post_count, 20)
    for page in ("1", "150", str(last)):
        _, posts = topic_posts_page(topic=topic, page=page)
        plan = plan_of(posts)
        assert_uses_index(plan, "boards_post_topic_position_uniq")
        assert_no_seq_scan(plan)
        assert_no_big_sort(plan, most=PAGE)


def check_topic_feed(forum) -> None:
    plan = plan_of(TopicPostsFeed().items(forum["long_topic"]))
    assert_uses_index(plan, "boards_post_topic_position_uniq")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


def check_board_pages(forum) -> None:
    board = forum["board"]
    last = num_pages(board.topic_count, 25)
    for page in ("1", str(last // 2), str(last)):
        _, topics = board_topics_page(board=board, page=page)
        plan = plan_of(topics)
        assert_uses_index(plan, "boards_topic_board_list_idx")
        assert_no_seq_scan(plan)
        assert_no_big_sort(plan, most=PAGE)


def check_featured_page(forum) -> None:
    plan = the_plan(lambda: featured_topics_page(viewer=VISITOR, page="1"), table="boards_topic",
                    containing="featured_at")
    assert_uses_index(plan, "boards_topic_featured_idx")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


SORT_INDEXES = {"rank": "members_user_rank_idx", "posts": "members_user_posts_idx", "joined": "members_user_joined_idx"}


def cursors_at_the_end(keyset, listed, per_page: int) -> list[dict]:
    """The first page, the last page (after the key of the row above it) and the page before the last row (before
    its key, read upwards): a list read by key is entered at the key, however deep."""
    count = listed.count()
    above_the_last_page = listed.order_by(*(F(name).desc() for name in keyset.columns))[count - per_page - 1]
    last = listed.order_by(*(F(name).asc() for name in keyset.columns)).first()
    return [{}, {"after": keyset.encode(keyset.key_of(above_the_last_page))},
            {"before": keyset.encode(keyset.key_of(last))}]


def check_members_pages(forum) -> None:
    for sort, index in SORT_INDEXES.items():
        # the first page, and the last page of 5,001 members both ways: one page's rows, never the 5,000 above
        for cursor in cursors_at_the_end(SORTS[sort], User.objects.filter(is_active=True), MEMBERS_PER_PAGE):
            plan = the_plan(lambda sort=sort, cursor=cursor: member_page(sort=sort, **cursor), table="members_user",
                            containing="ORDER BY", analyze=True)
            assert_uses_index(plan, index)
            assert_no_seq_scan(plan)
            assert_no_big_sort(plan, most=PAGE)
            assert_reads_at_most(plan, MEMBERS_PER_PAGE + 1)
            if cursor:
                assert_starts_at_key(plan, index)


def check_profile_posts(forum) -> None:
    plan = the_plan(lambda: member_recent_posts(member=forum["reader"], viewer=VISITOR), table="boards_post")
    assert_uses_index(plan, "boards_post_author_idx")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


def check_latest_feed(forum) -> None:
    plan = plan_of(LatestTopicsFeed().items(Scope(viewer=VISITOR)))
    assert_uses_index(plan, "boards_topic_newest_idx")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


def check_board_feed(forum) -> None:
    plan = plan_of(BoardTopicsFeed().items(forum["board"]))
    assert_uses_index(plan, "boards_topic_board_newest_idx")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


def check_freshness(forum) -> None:
    plan = the_plan(lambda: freshness.board_freshness(freshness.today(), launch=False), table="boards_board")
    assert_uses_index(plan, "boards_post_created_idx", "boards_topic_board_newest_idx")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


def check_freshness_job(forum) -> None:
    """The daily job on a day when every board is quiet: each board's suggestions (most replied topics, newest
    unanswered ones, drafts) and the admins who get the reminder, all from indexes."""
    ahead = freshness.today() + timedelta(days=40)
    with CaptureQueriesContext(connection) as ctx:
        plans = freshness.send_freshness_reminders(ahead, dry_run=True)
    assert plans and len(plans[0].boards) == 8  # every board quiet: every section was built
    with CaptureQueriesContext(connection) as launch:
        freshness.in_launch_phase()
    # the launch-phase count reads at most LAUNCH_MEMBERS rows by construction (a LIMIT under the count): a
    # sequential scan that stops there is as cheap as an index; whether the planner takes one is a coin toss
    bounded = {q["sql"] for q in launch.captured_queries}
    for sql in bounded:
        limits = [node["Plan Rows"] for node in nodes(explain(sql)) if node["Node Type"] == "Limit"]
        assert limits and max(limits) <= settings.HEARTH["LAUNCH_MEMBERS"], sql
    selects = [q["sql"] for q in ctx.captured_queries
               if q["sql"].lstrip().upper().startswith("SELECT") and q["sql"] not in bounded]
    used = set()
    for sql in selects:
        plan = explain(sql)
        assert_no_seq_scan(plan)
        assert_no_big_sort(plan, most=PAGE)
        used |= indexes_used(plan)
    assert {"boards_topic_board_popular_idx", "boards_topic_unanswered_idx", "members_user_admins_idx"} <= used, used


def check_focus_advice(forum) -> None:
    """The focus advice's share window (/stats/, /freshness/): every board's visible posts of 90 days, counted in
    one pass that reads boards_post_created_idx alone (it carries what the filter reads), not the posts' rows
    with their bodies, and not once per board (a count per board in a subquery walked the window 8 times: 3.3 s
    on 1,000,000 posts)."""
    plan = the_plan(focus_advice, table="boards_post")
    scans = [node for node in nodes(plan) if node.get("Relation Name") == "boards_post"]
    assert len(scans) == 1 and scans[0]["Node Type"] == "Index Only Scan" \
        and scans[0]["Index Name"] == "boards_post_created_idx", describe(plan)


def check_todays_posts(forum) -> None:
    plan = plan_of(posts_of(timezone.localdate()))
    assert_uses_index(plan, "boards_post_created_idx")
    assert_no_seq_scan(plan)


def check_rank_window(forum) -> None:
    plan = the_plan(lambda: windowed_metrics(100, now=timezone.now()), table="boards_post")
    assert_uses_index(plan, "boards_post_created_idx")
    assert_no_seq_scan(plan, {"boards_post"})


def check_sitemap(forum) -> None:
    plan = plan_of(TopicSitemap().items())
    assert_uses_index(plan, "boards_post_held_idx")
    # the sitemap lists every topic: reading the topics is its job; the posts it must not read
    assert_no_seq_scan(plan, BIG_TABLES - {"boards_topic"})


def check_notices(forum) -> None:
    # the reader's 2,000 notices: the first page, the oldest 50 (Older from the page above), and the 50 just newer
    # than the oldest (Newer from the end), each one page's rows from the reader's index
    listed = Notice.objects.filter(recipient=forum["reader"])
    for cursor in cursors_at_the_end(NOTICE_ORDER, listed, NOTICES_PER_PAGE):
        older, newer = cursor.get("after"), cursor.get("before")
        plan = the_plan(lambda older=older, newer=newer: notices_page(member=forum["reader"], older=older,
                                                                      newer=newer),
                        table="members_notice", analyze=True)
        assert_uses_index(plan, "members_notice_recipient_idx")
        assert_no_seq_scan(plan)
        assert_no_big_sort(plan, most=PAGE)
        assert_reads_at_most(plan, NOTICES_PER_PAGE + 1)
        if cursor:
            assert_starts_at_key(plan, "members_notice_recipient_idx")


def check_moderation_log(forum) -> None:
    for number in (1, 300):
        plan = the_plan(lambda number=number: log_page(forum["admin"], number=number),
                        table="moderation_moderationaction")
        assert_uses_index(plan, "moderation_log_idx")
        assert_no_seq_scan(plan)
        assert_no_big_sort(plan, most=PAGE)


def check_moderation_queue(forum) -> None:
    plan = the_plan(lambda: queue(viewer=forum["admin"]), table="moderation_case")
    # open cases only: through the queue's index, or the one-open-case-per-post index with the same condition
    assert_uses_one_of(plan, "moderation_case_queue_idx", "moderation_case_one_open_per_post")
    assert_no_seq_scan(plan)
    assert_no_big_sort(plan, most=PAGE)


# check, and the statements that take away the index it relies on
CHECKS = {
    "topic pages": (check_topic_pages, ["ALTER TABLE boards_post DROP CONSTRAINT boards_post_topic_position_uniq"]),
    "topic feed": (check_topic_feed, ["ALTER TABLE boards_post DROP CONSTRAINT boards_post_topic_position_uniq"]),
    "board pages": (check_board_pages, ["DROP INDEX boards_topic_board_list_idx"]),
    "featured page": (check_featured_page, ["DROP INDEX boards_topic_featured_idx"]),
    "members pages": (check_members_pages, ["DROP INDEX members_user_joined_idx"]),
    "profile posts": (check_profile_posts, ["DROP INDEX boards_post_author_idx"]),
    "latest feed": (check_latest_feed, ["DROP INDEX boards_topic_newest_idx"]),
    "board feed": (check_board_feed, ["DROP INDEX boards_topic_board_newest_idx"]),
    "freshness check": (check_freshness, ["DROP INDEX boards_post_created_idx"]),
    "freshness job": (check_freshness_job, ["DROP INDEX boards_topic_board_popular_idx"]),
    "focus advice": (check_focus_advice, ["DROP INDEX boards_post_created_idx"]),
    "today's posts": (check_todays_posts, ["DROP INDEX boards_post_created_idx"]),
    "rank window": (check_rank_window, ["DROP INDEX boards_post_created_idx"]),
    "sitemap": (check_sitemap, ["DROP INDEX boards_post_held_idx"]),
    "notices": (check_notices, ["DROP INDEX members_notice_recipient_idx"]),
    "moderation log": (check_moderation_log, ["DROP INDEX moderation_log_idx"]),
    "moderation queue": (check_moderation_queue, ["DROP INDEX moderation_case_queue_idx",
                                                  "DROP INDEX moderation_case_one_open_per_post"]),
}


@pytest.mark.parametrize("name", CHECKS)
def test_the_query_reads_its_index(forum, name):
    check, _ = CHECKS[name]
    check(forum)


@pytest.mark.parametrize("name", CHECKS)
def test_the_check_fails_without_the_index(forum, name):
    check, statements = CHECKS[name]
    drop(*statements)
    with pytest.raises(AssertionError):
        check(forum)


@pytest.mark.parametrize("index", ["boards_topic_unanswered_idx", "members_user_admins_idx"])
def test_the_freshness_job_needs_each_of_its_indexes(forum, index):
    drop(f"DROP INDEX {index}")
    with pytest.raises(AssertionError):
        check_freshness_job(forum)


def test_the_focus_advice_needs_the_deleted_time_in_the_index(forum):
    """Without deleted_at among its columns the index leaves the filter to the posts' rows."""
    drop("DROP INDEX boards_post_created_idx",
         "CREATE INDEX boards_post_created_idx ON boards_post (created_at) "
         "INCLUDE (id, author_id, topic_id, position, is_hidden, is_awaiting_approval)")
    with pytest.raises(AssertionError):
        check_focus_advice(forum)


@pytest.mark.parametrize("index", SORT_INDEXES.values())
def test_each_order_of_the_members_list_needs_its_own_index(forum, index):
    drop(f"DROP INDEX {index}")
    with pytest.raises(AssertionError):
        check_members_pages(forum)


def test_the_read_checks_catch_a_page_that_steps_over_the_rows_above_it(forum):
    """assert_reads_at_most and assert_starts_at_key can fail: the reader's last page of notices by OFFSET (ids
    from the index, as the deferred join did) reads all 2,000; with the key taken apart into `created_at < t OR
    (created_at = t AND id < n)`, no scan of the reader's index starts at it (PostgreSQL ORs two bitmaps and
    sorts what they find)."""
    listed = Notice.objects.filter(recipient=forum["reader"]).order_by("-created_at", "-id")
    count = listed.count()
    by_offset = explain(*rows_between(listed, count - NOTICES_PER_PAGE, count).query.sql_with_params(),
                        analyze=True)
    with pytest.raises(AssertionError, match="rows read"):
        assert_reads_at_most(by_offset, NOTICES_PER_PAGE + 1)
    above = listed[count - NOTICES_PER_PAGE - 1]
    apart = listed.filter(Q(created_at__lt=above.created_at) | Q(created_at=above.created_at, id__lt=above.pk))
    plan = plan_of(apart.values("pk")[:NOTICES_PER_PAGE + 1])
    with pytest.raises(AssertionError, match="is not entered at the key"):
        assert_starts_at_key(plan, "members_notice_recipient_idx")


def test_the_forum_is_big_enough_for_the_planner_to_choose(forum):
    """The premise of this module: the tables are large enough that a sequential scan would cost more."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples, relpages FROM pg_class WHERE relname IN "
                       "('boards_post', 'boards_topic', 'members_user', 'members_notice')")
        sizes = {name: (tuples, pages) for name, tuples, pages in cursor.fetchall()}
    assert sizes["boards_post"][0] >= 60_000 and sizes["boards_post"][1] > 1000, sizes  # real bodies: many pages
    assert sizes["boards_topic"][0] >= 5000 and sizes["members_notice"][0] >= 20_000, sizes
