"""Each page costs a fixed number of queries, whatever it lists: no query per board, topic or post."""

import pytest
from django.utils import timezone

from boards import services
from boards.models import Post, Topic
from members.services import visit_record
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
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
