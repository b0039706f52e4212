"""On PostgreSQL the search uses the GIN index: the plan of a real search over a few thousand posts."""
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from boards.models import Post
from search import services
from search.query import parse_query
from search.selectors import NEWEST, RELEVANCE, Criteria, search_sql
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

WORDS = "crumb crust starter levain hydration flour rye spelt proof oven steam bake loaf dough".split()
ZH = "面包 酵种 面粉 发酵 温度 烤箱 时间 水分 味道 黑麦".split()
INDEX = "search_postdocument_document_gin"


@pytest.fixture
def forum_of_4000_posts(board, member):
    topic = make_topic(board=board, author=member, title="Everything", body="first")
    rng = random.Random(3)
    now = timezone.now()
    Post.objects.bulk_create([
        Post(topic=topic, author=member, position=i + 2, created_at=now,
             body_html="<p>" + " ".join(rng.choices(WORDS, k=12)) + " " + "".join(rng.choices(ZH, k=6))
             + (" zanzibar 上海" if i % 500 == 0 else "") + "</p>")
        for i in range(4000)])
    services.reindex()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_postdocument, boards_post, boards_topic")


def plan(q: str, order: str) -> str:
    criteria = Criteria(terms=parse_query(q).terms, order=order)
    sql, params = search_sql(criteria, viewer=AnonymousUser(), page=1, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("q", ["zanzibar", "上海", "zanzibar 上海"])
@pytest.mark.parametrize("order", [RELEVANCE, NEWEST])
def test_a_selective_search_uses_the_gin_index(forum_of_4000_posts, q, order):
    text = plan(q, order)
    assert f"Bitmap Index Scan on {INDEX}" in text, text
    assert "Seq Scan on search_postdocument" not in text, text
