"""Each page costs a fixed number of queries, whatever it lists: no query per board, topic or post."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import selectors, services
from boards.models import Post, Topic
from members.services import visit_record
from tests.factories import BoardFactory, UserFactory, make_board_moderator, make_post, make_topic, newcomer_rank
from tests.helpers import assert_constant, queries_for, topic_url

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


@pytest.fixture(params=["anonymous", "member", "moderator"])
def viewer(request, client, db):
    """The same page seen by a visitor, a member and a moderator (who sees edit and revision links)."""
    if request.param == "anonymous":
        return client
    user = UserFactory(username="viewer") if request.param == "member" else UserFactory(
        username="viewer-mod", is_global_moderator=True)
    # A member's first request of the day records the visit (one write a day, not a write a page):
    # count it here so that the pages below are measured as on any other request of the day.
    visit_record(user=user, day=timezone.localdate())
    client.force_login(user)
    return client


def add_boards(count: int) -> None:
    """Boards with a topic and a reply by someone else, so each has a last post, topic and author to show."""
    for _ in range(count):
        board = BoardFactory()
        topic = make_topic(board=board, author=UserFactory())
        make_post(topic=topic, author=UserFactory())


def add_topics(board, count: int) -> None:
    for i in range(count):
        topic = make_topic(board=board, author=UserFactory(), title=f"Topic {Topic.objects.count()} {i}")
        make_post(topic=topic, author=UserFactory())
        if i % 3 == 0:
            Topic.objects.filter(pk=topic.pk).update(is_pinned=True)
        if i % 4 == 0:
            Topic.objects.filter(pk=topic.pk).update(is_locked=True)


def add_posts(topic, count: int) -> None:
    """Replies by distinct authors, each answering the one before; some edited, some hidden."""
    previous = Post.objects.filter(topic=topic).order_by("-position").first()
    for i in range(count):
        author = UserFactory()
        post = make_post(topic=topic, author=author, body=f"Reply {previous.position + 1}", reply_to=previous)
        if i % 3 == 0:
            services.post_edit(post=post, editor=author, body=f"Reply {post.position}, edited")
        if i % 5 == 0:
            Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason="off topic")
        previous = post


def test_the_board_index_costs_the_same_for_3_boards_or_12(viewer):
    add_boards(3)
    small = queries_for(viewer, "/")
    add_boards(9)
    large = queries_for(viewer, "/")
    assert_constant(small, large, "board index", most=MAX_QUERIES)


def test_a_board_page_costs_the_same_for_3_topics_or_25(viewer, board):
    add_topics(board, 3)
    small = queries_for(viewer, "/b/sourdough/")
    add_topics(board, 22)
    large = queries_for(viewer, "/b/sourdough/")
    assert_constant(small, large, "board page", most=MAX_QUERIES)


def test_a_topic_page_costs_the_same_for_3_posts_or_20(viewer, topic):
    add_posts(topic, 2)
    url = topic_url(topic)
    small = queries_for(viewer, url)
    add_posts(topic, 17)
    large = queries_for(viewer, url)
    assert Post.objects.filter(topic=topic).count() == 20
    assert_constant(small, large, "topic page", most=MAX_QUERIES)


def test_page_3_of_a_60_post_topic_costs_what_page_1_costs(viewer, topic):
    add_posts(topic, 59)

    first = queries_for(viewer, topic_url(topic))
    third = queries_for(viewer, topic_url(topic, 3))

    assert_constant(first, third, "topic page 1 vs page 3", most=MAX_QUERIES)


def test_a_profile_costs_the_same_for_2_posts_or_10(viewer, board):
    author = UserFactory(username="prolific")
    for i in range(2):
        make_topic(board=board, author=author, title=f"Small {i}", body=f"Small {i}")
    small = queries_for(viewer, "/u/prolific/")
    for i in range(8):
        make_topic(board=board, author=author, title=f"Large {i}", body=f"Large {i}")
    large = queries_for(viewer, "/u/prolific/")
    assert_constant(small, large, "profile", most=MAX_QUERIES)


# --- signed-in pages: each viewer class, and a member whose own held post makes the list theirs alone ---------------

SIGNED_IN = ["member", "board moderator", "admin", "author of a held post"]


@pytest.mark.parametrize("who", SIGNED_IN)
def test_a_signed_in_topic_page_costs_the_same_for_20_posts_or_40(client, settings, board, topic, who):
    """Their own controls (likes asked of the database: some posts have likes), the cached list or its
    rendering, for a page of 20 posts and one of 40. (Their read position is up to date before each count:
    the writes of a first read are counted by the tests above.)"""
    settings.HEARTH = {**settings.HEARTH, "POSTS_PER_PAGE": 40}
    user = {"member": lambda: UserFactory(username="viewer"),
            "board moderator": lambda: make_board_moderator(board, "viewer-bm"),
            "admin": lambda: UserFactory(username="viewer-admin", is_superuser=True, is_staff=True),
            "author of a held post": lambda: UserFactory(username="viewer-new", rank=newcomer_rank())}[who]()
    if who == "author of a held post":
        assert services.post_create(topic=topic, author=user, body="My first post here.").is_awaiting_approval
    visit_record(user=user, day=timezone.localdate())
    client.force_login(user)
    add_posts(topic, 19 - Post.objects.filter(topic=topic).count() + 1)
    services.post_like(member=UserFactory(), post=Post.objects.filter(topic=topic).order_by("position").last())
    url = topic_url(topic)

    services.topic_mark_read(member=user, topic=topic, position=20)
    small = queries_for(client, url)
    add_posts(topic, 20)
    services.post_like(member=UserFactory(), post=Post.objects.filter(topic=topic).order_by("position").last())
    services.topic_mark_read(member=user, topic=topic, position=40, known=selectors.topic_read(member=user,
                                                                                                topic=topic))
    large = queries_for(client, url)

    assert Post.objects.filter(topic=topic).count() == 40
    assert_constant(small, large, f"topic page for a {who}, 20 or 40 posts", most=MAX_QUERIES)


def test_a_member_reads_a_cached_list_without_loading_the_posts(client, topic):
    """The second member to open a page gets the list the first one's request rendered: the posts are not
    loaded again, and their own controls cost one query (their likes) at most."""
    add_posts(topic, 19)
    url = topic_url(topic)
    views = []
    for name in ("first", "second"):
        user = UserFactory(username=f"reader-{name}")
        visit_record(user=user, day=timezone.localdate())
        services.topic_mark_read(member=user, topic=topic, position=20)  # their read position is not moving
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        views.append([q["sql"] for q in queries.captured_queries])
    loads_posts = ['"boards_post"."position" <=' in sql for sql in views[1]]
    assert any('"boards_post"."position" <=' in sql for sql in views[0]) and not any(loads_posts)
    assert len(views[1]) < len(views[0])
