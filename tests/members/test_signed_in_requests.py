"""What every signed-in request costs: the member and their rank in one lookup (members.backends), the
session read through the cache (forum.sessions)."""
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.backends import member_with_rank
from members.models import Rank, User
from tests.factories import UserFactory, rank_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ranked", [True, False])
def test_the_member_is_loaded_as_the_orm_loads_them(ranked):
    member = UserFactory(rank=rank_at(2) if ranked else None, timezone="Asia/Shanghai", is_board_moderator=True)
    User.objects.filter(pk=member.pk).update(suspended_until="2030-01-02T03:04:05Z", last_visit_on="2026-01-02")

    loaded = member_with_rank(member.pk)
    expected = User.objects.select_related("rank").get(pk=member.pk)

    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.attname
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.attname
    with CaptureQueriesContext(connection) as queries:
        rank = loaded.rank
    assert len(queries.captured_queries) == 0
    if ranked:
        for field in Rank._meta.concrete_fields:
            assert getattr(rank, field.attname) == getattr(expected.rank, field.attname), field.attname
    else:
        assert rank is None
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert member_with_rank(member.pk + 1000) is None


def test_a_signed_in_page_reads_its_session_from_the_cache(client, member):
    client.force_login(member)
    client.get("/")  # the first request after the cache was cleared may read the database
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert b"Log out" in client.get("/").content


def test_the_cached_copy_of_a_session_lives_briefly_and_logging_out_ends_it(client, member):
    client.force_login(member)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/")
    redis = cache._cache.get_client()
    [stored] = [k for k in redis.keys("*hearth.session.*") if k.decode().endswith(key)]
    assert 0 < redis.ttl(stored) <= settings.SESSION_CACHE_SECONDS

    client.post("/accounts/logout/")

    assert not redis.exists(stored) and not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert b"Log out" not in client.get("/").content
