"""The bench's bulk loader (bench/fastseed.py) loads the very forum seed_demo loads through the ORM, with
every counter and position right and the search index search_reindex would write.

`make bench BENCH_SCALE=10` measures a 1,000,000-post forum loaded this way; if the loader drifted from
boards.demo's plan, or left a counter wrong, the bench would compare a different forum, or a broken one.
The tests load small forums (transactional: the loader drops and rebuilds indexes and runs VACUUM).
"""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from bench.fastseed import check_counters, scale_sizes, seed_forum
from boards.models import Board, Post, Topic
from members.models import User
from search import services as search_services
from tests.boards.test_services import assert_counters_exact

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"boards": 3, "users": 20, "topics": 30, "posts": 300, "seed": 1, "long_topic": 60}


def forum_rows() -> list[tuple]:
    """Every post as the forum shows it, with times relative to the first post (the two loads run seconds
    apart, and the plan counts back from now)."""
    posts = list(Post.objects.order_by("id").values_list(
        "topic__title", "topic__slug", "topic__board__slug", "topic__is_pinned", "author__username", "position",
        "body", "body_html", "reply_to__position", "created_at"))
    start = posts[0][-1]
    return [(*row[:-1], row[-1] - start) for row in posts]


def empty_forum() -> None:
    Post.objects.update(reply_to=None)
    Topic.objects.update(first_post=None, last_post=None)
    Board.objects.update(last_post=None)
    Post.objects.all().delete()
    Topic.objects.all().delete()
    Board.objects.all().delete()
    User.objects.all().delete()


def search_index() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT post_id, document::text FROM search_postdocument ORDER BY post_id")
        return dict(cursor.fetchall())


def test_it_loads_the_forum_seed_demo_loads():
    call_command("seed_demo", **SIZES)
    through_the_orm = forum_rows()
    empty_forum()

    seed_forum(**SIZES)

    assert forum_rows() == through_the_orm
    assert Post.objects.count() == 300 and Topic.objects.count() == 30 and User.objects.count() == 20
    assert Topic.objects.order_by("-post_count").first().post_count == 60
    # ids grow with time, as on the live site
    assert list(Post.objects.order_by("id").values_list("id", flat=True)) == list(
        Post.objects.order_by("created_at", "id").values_list("id", flat=True))


def test_every_counter_matches_a_recount():
    seed_forum(**SIZES)

    assert check_counters() == []
    for board in Board.objects.all():
        assert_counters_exact(board)
    for topic in Topic.objects.all():
        positions = list(topic.posts.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, topic.post_count + 1))
        assert topic.first_post.position == 1 and topic.last_post.position == topic.post_count
        assert topic.last_post_at == topic.last_post.created_at
    for member in User.objects.all():
        assert member.post_count == Post.objects.filter(author=member).count()
        assert member.topic_count == Topic.objects.filter(author=member).count()


def test_the_recount_check_notices_a_wrong_counter():
    seed_forum(**SIZES)
    topic = Topic.objects.order_by("id").first()
    Topic.objects.filter(pk=topic.pk).update(post_count=topic.post_count + 1)
    Board.objects.filter(pk=topic.board_id).update(topic_count=0)
    User.objects.filter(pk=topic.author_id).update(post_count=10_000)

    problems = check_counters()

    assert f"topic {topic.pk}: post_count, first/last post or positions" in problems
    assert any(p.startswith(f"board {topic.board.slug}:") for p in problems)
    assert any(p.startswith(f"member {topic.author.username}:") for p in problems)


def test_its_search_index_is_the_one_search_reindex_writes():
    seed_forum(**SIZES)
    loaded = search_index()
    assert len(loaded) == 300

    search_services.reindex()

    assert search_index() == loaded


def test_the_indexes_and_foreign_keys_it_set_aside_are_back():
    def schema():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                           "('boards_post', 'search_postdocument') ORDER BY indexname")
            indexes = cursor.fetchall()
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN "
                           "('boards_post'::regclass, 'search_postdocument'::regclass) ORDER BY conname")
            return indexes, cursor.fetchall()

    before = schema()
    seed_forum(**SIZES)
    assert schema() == before
    with connection.cursor() as cursor:  # the foreign keys hold
        cursor.execute("SELECT count(*) FROM boards_post p LEFT JOIN boards_topic t ON t.id = p.topic_id "
                       "WHERE t.id IS NULL")
        assert cursor.fetchone()[0] == 0
    # and new posts get ids after the loaded ones
    assert Post.objects.order_by("-id").first().pk < _next_post_id()


def _next_post_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('boards_post', 'id'))")
        return cursor.fetchone()[0]


def test_it_fills_only_an_empty_forum():
    seed_forum(**SIZES)
    with pytest.raises(RuntimeError, match="empty forum only"):
        seed_forum(**SIZES)
    assert Post.objects.count() == 300


def test_scales_multiply_everything_but_the_boards():
    assert scale_sizes(1) == {"boards": 8, "users": 400, "topics": 4000, "posts": 100_000, "long_topic": 4000,
                              "seed": 1}
    ten = scale_sizes(10)
    assert (ten["boards"], ten["users"], ten["topics"], ten["posts"], ten["long_topic"]) == (
        8, 4000, 40_000, 1_000_000, 40_000)
    with pytest.raises(ValueError):
        scale_sizes(0)


def test_post_times_within_each_topic_strictly_increase():
    seed_forum(**SIZES)
    for topic in Topic.objects.all():
        times = list(topic.posts.order_by("position").values_list("created_at", flat=True))
        assert all(later - earlier >= timedelta(seconds=1) for earlier, later in zip(times, times[1:], strict=False))
