"""The index follows every write, in the write's own transaction: new topics and replies, edits of text and
title, retitles and moves; bulk loads and `search_reindex` rebuild it; deleted posts leave it."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from boards import services as board_services
from boards.models import Post, Topic
from search import receivers
from search.models import PostDocument
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.search.conftest import Forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg():
    return Forum(engine="postgresql", using="default")


def test_a_new_topic_and_reply_are_indexed_with_the_post(pg, board, member):
    topic = make_topic(board=board, author=member, title="Rye starter", body="Dark and sour 黑麦")
    pg.posts["first"] = topic.first_post
    pg.posts["reply"] = make_post(topic=topic, body="Lighter with spelt 斯佩尔特")
    assert pg.found("rye") == {"first"}
    assert pg.found("斯佩尔特") == {"reply"}
    assert PostDocument.objects.count() == 2


def test_a_rolled_back_post_leaves_no_index_row(board, member):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        make_topic(board=board, author=member, title="Never", body="Rolled back")
        assert PostDocument.objects.count() == 1  # written in the same transaction
        raise Abort
    assert PostDocument.objects.count() == 0


def test_an_edit_reindexes_text_and_title(pg, board, member):
    topic = make_topic(board=board, author=member, title="Old title", body="Before the edit 以前")
    pg.posts["first"] = topic.first_post
    board_services.post_edit(post=topic.first_post, editor=member, body="After the edit 以后", title="Fresh heading")
    assert pg.found("以前") == set() and pg.found("以后") == {"first"}
    assert pg.found("in:title old") == set() and pg.found("in:title fresh") == {"first"}


def test_a_retitle_and_a_move_are_followed(pg, board, pastry, moderator):
    topic = make_topic(board=board, author=UserFactory(), title="Croissant lamination", body="Butter layers")
    pg.posts["first"] = topic.first_post
    pg.posts["reply"] = make_post(topic=topic, body="Cold butter helps")
    board_services.topic_retitle_move(topic=topic, actor=moderator, title="Laminated dough 起酥", board=pastry)
    assert pg.found("in:title 起酥") == {"first"}
    assert pg.found("in:title croissant") == set()
    assert pg.found("butter board:pastry") == {"first", "reply"}
    assert pg.found("butter board:sourdough") == set()


def test_deleting_a_topic_removes_its_index_rows(board, member):
    topic = make_topic(board=board, author=member, title="Short lived", body="Gone soon", replies=2)
    assert PostDocument.objects.count() == 3
    Topic.objects.filter(pk=topic.pk).delete()
    assert PostDocument.objects.count() == 0


@pytest.mark.django_db(databases=["default", "search_sqlite"])
def test_on_sqlite_deleting_a_post_empties_its_fts_row():
    forum = Forum(engine="sqlite", using="search_sqlite")
    topic = forum.topic("t", board=forum.board("b"), author=forum.member("m"), title="Title", body="words")
    assert forum.found("words") == {"t"}
    Topic.objects.using("search_sqlite").filter(pk=topic.pk).delete()
    with connections["search_sqlite"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == 0


def empty_the_index():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_postdocument")


def test_search_reindex_rebuilds_everything_in_batches(pg, board, member):
    topic = make_topic(board=board, author=member, title="Baguette scoring", body="Lame at a shallow angle",
                       replies=4)
    pg.posts["first"] = topic.first_post
    empty_the_index()
    assert pg.found("baguette") == set()
    out = StringIO()
    call_command("search_reindex", batch_size=2, stdout=out)
    assert pg.found("baguette") == {"first"}
    assert PostDocument.objects.count() == 5
    assert "[##############################] 5/5 posts (100%)" in out.getvalue()
    assert "Indexed 5 posts" in out.getvalue()


def test_an_empty_index_is_filled_after_migrate(pg, board, member):
    topic = make_topic(board=board, author=member, title="Focaccia", body="Olive oil 橄榄油")
    pg.posts["first"] = topic.first_post
    empty_the_index()
    receivers.backfill_after_migrate(sender=None, using="default")
    assert pg.found("橄榄油") == {"first"}


def test_the_demo_forums_are_searchable(pg):
    call_command("seed_demo", stdout=StringIO())
    pg.posts = {str(p.pk): p for p in Post.objects.all()}
    assert len(pg.found("上海")) == 1
    assert len(pg.found("starter")) >= 2
    assert PostDocument.objects.count() == Post.objects.count()


def test_the_large_demo_has_chinese_to_find(pg):
    call_command("seed_demo", boards=2, users=10, topics=20, posts=200, seed=1, long_topic=20, stdout=StringIO())
    pg.posts = {str(p.pk): p for p in Post.objects.all()}
    assert PostDocument.objects.count() == 200
    assert 10 <= len(pg.search("面包", order="newest")) <= 20
    assert pg.search("crumb")


def test_a_long_post_is_indexed_within_postgresqls_limits(board, member):
    body = "长" * 29_000 + " tail 尾巴"
    topic = make_topic(board=BoardFactory(), author=member, title="Very long", body=body)
    pg = Forum(engine="postgresql", using="default", posts={"long": topic.first_post})
    assert pg.found("尾巴") == {"long"} and pg.found("tail") == {"long"} and pg.found("长") == {"long"}
