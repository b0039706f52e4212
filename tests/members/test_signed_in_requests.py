"""What every signed-in request costs: the member and their rank in one lookup (members.backends), the
session read through the cache (forum.sessions)."""
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum.sessions import SessionStore
from members.backends import member_with_rank
from members.models import Rank, User
from tests.factories import UserFactory, rank_at
from tests.helpers import PASSWORD

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


# --- a session's cached copy never outlives what ends it ----------------------------------------------------------


def signed_in(client) -> bool:
    return b"Log out" in client.get("/").content


def cached_session(client) -> bool:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return any(k.decode().endswith(key) for k in cache._cache.get_client().keys("*hearth.session.*"))


def test_a_password_change_signs_out_the_members_other_sessions_at_once(member):
    """The session in the cache carries the password's hash from when it logged in; the member is loaded
    from the database on every request (members.backends), so another device's session ends at its next
    request, cached copy or not. The device that changed it stays signed in."""
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        assert device.post("/accounts/login/", {"login": member.username, "password": PASSWORD}).status_code == 302
        assert signed_in(device) and cached_session(device)

    response = laptop.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "rye-flour-and-honey-92", "password2": "rye-flour-and-honey-92"})
    assert response.status_code == 302

    assert not signed_in(phone)
    assert signed_in(laptop)


def test_a_disabled_account_is_signed_out_at_once_though_its_session_is_cached(client, member):
    client.force_login(member)
    assert signed_in(client) and cached_session(client)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert not signed_in(client)


def test_a_session_planted_before_logging_in_is_not_the_one_signed_in(member):
    """Session fixation: a session key handed to the visitor before they log in (say, by someone who set
    the cookie) is replaced at login, and the planted key is not signed in, in the cache or the database."""
    planted = SessionStore()
    planted["planted"] = True
    planted.save()
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert victim.get("/").status_code == 200 and cached_session(victim)  # read once: now in the cache too

    assert victim.post("/accounts/login/", {"login": member.username, "password": PASSWORD}).status_code == 302

    assert signed_in(victim) and victim.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert not signed_in(attacker)
    assert not Session.objects.filter(session_key=planted.session_key).exists()
