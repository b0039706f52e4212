"""The 精华 pages cost a fixed number of queries, whatever they list."""
import pytest

from boards import services as board_services
from tests.boards.test_query_counts import MAX_QUERIES, viewer  # noqa: F401  (the fixture)
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import assert_constant, queries_for

pytestmark = pytest.mark.django_db


def add_featured(count: int) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    for i in range(count):
        board = BoardFactory()
        topic = make_topic(board=board, author=UserFactory(), title=f"Gem {i}")
        make_post(topic=topic, author=UserFactory())
        board_services.topic_feature(topic=topic, actor=admin, level=1 + i % 3)


def test_featured_page(viewer):  # noqa: F811
    add_featured(2)
    small = queries_for(viewer, "/featured/")
    add_featured(12)
    large = queries_for(viewer, "/featured/")
    assert_constant(small, large, "featured page", most=MAX_QUERIES)


def test_board_featured_filter(viewer):  # noqa: F811
    board = BoardFactory(slug="gems")
    admin = UserFactory(is_superuser=True, is_staff=True)

    def add(count):
        for i in range(count):
            topic = make_topic(board=board, author=UserFactory(), title=f"Board gem {i}")
            board_services.topic_feature(topic=topic, actor=admin, level=2)

    add(2)
    small = queries_for(viewer, "/b/gems/?featured=1")
    add(12)
    large = queries_for(viewer, "/b/gems/?featured=1")
    assert_constant(small, large, "board featured filter", most=MAX_QUERIES)
