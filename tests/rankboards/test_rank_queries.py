"""Boards by rank cost no query per board, topic or post: the pages a member reads in and around boards
that set a rank cost the same for a few rows as for many (the rule is a join in the lists' queries, and
the boards' ranks come with the board in the loaders)."""
import pytest
from django.utils import timezone

from members.services import visit_record
from moderation import services as moderation_services
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, rank_at
from tests.helpers import assert_constant, queries_for, topic_url

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


@pytest.fixture(params=["regular", "unranked", "member"])
def viewer(request, client, db):
    """A Regular (who reads the lounge), a member not ranked yet and a Member (who do not)."""
    rank = {"regular": rank_at(2), "unranked": None, "member": rank_at(1)}[request.param]
    user = UserFactory(username="viewer", rank=rank)
    visit_record(user=user, day=timezone.localdate())  # the day's first request writes once: not measured
    client.force_login(user)
    return client


@pytest.fixture
def lounge(db):
    return BoardFactory(name="Lounge", slug="lounge", view_rank=rank_at(2), start_rank=rank_at(3))


def add_topics(board, count, *, feature_by=None):
    for i in range(count):
        author = UserFactory(rank=rank_at(3))  # the lounge's topics are started from Veteran up
        topic = make_topic(board=board, author=author, title=f"Topic {board.slug} {i} {author.pk}")
        make_post(topic=topic, author=UserFactory(rank=rank_at(2)))
        if feature_by is not None:
            moderation_services.act_directly(actor=feature_by, action="feature", level=1, reason="x", topic=topic)


def test_the_index_costs_the_same_for_2_boards_by_rank_or_8(viewer, lounge):
    add_topics(BoardFactory(), 1)
    small = queries_for(viewer, "/")
    for _ in range(6):
        board = BoardFactory(view_rank=rank_at(2))
        add_topics(board, 1)
    large = queries_for(viewer, "/")
    assert_constant(small, large, "index with boards by rank", most=MAX_QUERIES)


def test_the_featured_page_and_a_board_page_cost_the_same_for_few_or_many(viewer, lounge, admin_user):
    public = BoardFactory(slug="public")
    add_topics(lounge, 2, feature_by=fresh(admin_user))
    add_topics(public, 2, feature_by=fresh(admin_user))
    small = queries_for(viewer, "/featured/"), queries_for(viewer, "/b/public/")
    add_topics(lounge, 10, feature_by=fresh(admin_user))
    add_topics(public, 10, feature_by=fresh(admin_user))
    large = queries_for(viewer, "/featured/"), queries_for(viewer, "/b/public/")
    assert_constant(small[0], large[0], "featured page with boards by rank", most=MAX_QUERIES)
    assert_constant(small[1], large[1], "board page beside a board by rank", most=MAX_QUERIES)


def test_the_lounge_and_its_topics_cost_the_same_for_few_or_many(client, lounge):
    regular = UserFactory(username="regular", rank=rank_at(2))
    visit_record(user=regular, day=timezone.localdate())
    client.force_login(regular)
    add_topics(lounge, 3)
    topic = make_topic(board=lounge, author=UserFactory(rank=rank_at(3)), title="Long one")
    make_post(topic=topic, author=UserFactory(rank=rank_at(2)))
    small = queries_for(client, "/b/lounge/"), queries_for(client, topic_url(topic))
    add_topics(lounge, 20)
    for _ in range(15):
        make_post(topic=topic, author=UserFactory(rank=rank_at(2)))
    large = queries_for(client, "/b/lounge/"), queries_for(client, topic_url(topic))
    assert_constant(small[0], large[0], "the lounge's page", most=MAX_QUERIES)
    assert_constant(small[1], large[1], "a topic in the lounge", most=MAX_QUERIES)


def test_a_profile_costs_the_same_for_2_posts_in_the_lounge_or_10(viewer, lounge):
    author = UserFactory(username="prolific", rank=rank_at(3))
    public = BoardFactory()
    for i in range(2):
        make_topic(board=lounge, author=author, title=f"Lounge {i}")
        make_topic(board=public, author=author, title=f"Public {i}")
    small = queries_for(viewer, "/u/prolific/")
    for i in range(8):
        make_topic(board=lounge, author=author, title=f"Lounge more {i}")
        make_topic(board=public, author=author, title=f"Public more {i}")
    large = queries_for(viewer, "/u/prolific/")
    assert_constant(small, large, "profile beside a board by rank", most=MAX_QUERIES)
