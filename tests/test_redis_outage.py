"""Redis down (a real refused connection, not a mock): pages still serve, members still post,
the health check says Redis is down."""
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings as settings_module
from django.test import Client

from boards.models import Post
from forum.cache import ResilientRedisCache
from moderation import services as moderation
from tests.factories import UserFactory, fresh, make_post
from tests.helpers import human_signup_fields, page

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = DEAD_REDIS
    settings.CACHES = {"default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    ResilientRedisCache._down_until = 0.0
    yield
    ResilientRedisCache._down_until = 0.0


def test_pages_still_serve_for_visitors(redis_down, client, topic):
    for url in ["/", topic.board.get_absolute_url(), topic.get_absolute_url(), f"/u/{topic.author.username}/"]:
        assert client.get(url).status_code == 200, url


def test_members_still_post_and_log_in(redis_down, client, topic, member):
    assert client.post("/accounts/login/", {"login": member.username,
                                            "password": "correct horse battery staple"}).status_code == 302
    response = client.post(f"/t/{topic.pk}/reply/", {"body": "Posting without Redis."})
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, body="Posting without Redis.").count() == 1


def test_the_health_check_says_redis_is_down(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down"}


def test_while_down_the_cache_does_not_wait_on_every_call(redis_down):
    from django.core.cache import caches

    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    started = time.monotonic()
    for _ in range(50):
        assert cache.get("anything", "fallback") == "fallback"
        cache.set("anything", 1)
    assert time.monotonic() - started < 0.5


def test_the_cache_is_used_again_once_redis_is_back(redis_down, settings):
    from django.core.cache import caches

    assert caches["default"].get("k", "miss") == "miss"
    settings.CACHES = {"default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    ResilientRedisCache._down_until = 0.0  # the few seconds of rest are over
    cache = caches["default"]
    cache.set("k", "v")
    assert cache.get("k") == "v"


# --- limits hold without Redis: each process keeps the counters in its own memory --------------------

PASSWORD = "correct horse battery staple"


def test_repeated_wrong_logins_are_still_limited(redis_down, member):
    from django.test import Client

    for _ in range(5):
        response = Client().post("/accounts/login/", {"login": member.username, "password": "wrong password"})
        assert response.status_code == 200
    client = Client()
    response = client.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signups_are_still_limited(redis_down, settings):
    from django.test import Client

    from members.models import User

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    statuses = [Client().post("/accounts/signup/", {"username": f"joiner{i}", "email": f"joiner{i}@example.com",
                                                    "password1": "a sturdy passphrase 42",
                                                    "password2": "a sturdy passphrase 42",
                                                    **human_signup_fields()}).status_code
                for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert User.objects.filter(username__startswith="joiner").count() == 3


def test_password_resets_are_still_limited(redis_down, client, member, mailoutbox):
    statuses = [client.post("/accounts/password/reset/", {"email": member.email}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(mailoutbox) == 5


def test_hearths_own_limits_still_count(redis_down, settings, client, topic, member):
    from tests.factories import wait_for_fresh_rate_window

    settings.HEARTH = {**settings.HEARTH, "POST_IP_RATE": (2, 60)}
    wait_for_fresh_rate_window()
    client.force_login(member)
    statuses = [client.post(f"/t/{topic.pk}/reply/", {"body": f"Reply {i} without Redis."}).status_code
                for i in range(3)]
    assert statuses == [302, 302, 429]
    assert Post.objects.filter(topic=topic, body__endswith="without Redis.").count() == 2


def test_only_limits_fall_back_to_memory_other_keys_still_miss(redis_down):
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("fragment:board", "html")
    assert cache.get("fragment:board") is None
    assert cache.add("rl:like:1:99", 1) is True
    assert cache.add("rl:like:1:99", 1) is False
    assert cache.incr("rl:like:1:99") == 2
    cache.set("allauth:rl:account:login:x", [1.0])
    assert cache.get("allauth:rl:account:login:x") == [1.0]
    with pytest.raises(ValueError):
        cache.incr("something-else")


# --- a real Redis that stops while members are signed in ------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own on a free loopback port (nothing saved to disk): `stop()` ends the
    process, as an outage does; `start()` runs a fresh one on the same port, as a restart without
    persistence does."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=0.5).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not answer")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def private_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": server.url,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    ResilientRedisCache._down_until = 0.0
    yield server
    if server.process.poll() is None:
        server.stop()
    ResilientRedisCache._down_until = 0.0


def test_signed_in_pages_keep_answering_when_the_real_redis_stops(private_redis, topic, member, moderator):
    """Members signed in while Redis ran (their sessions and the shared lists in it) go on reading and writing
    once the redis-server process is gone, each seeing their own class's list and controls; a logout then
    holds when a fresh Redis comes back."""
    secret = make_post(topic=topic, author=UserFactory(username="bob"), body="Zebra-striped sourdough secret")
    moderation.act_directly(actor=fresh(moderator), action="hide", reason="Moderated", post=secret)
    clients = {"member": Client(), "moderator": Client(), "visitor": Client()}
    for name, user in (("member", member), ("moderator", moderator)):
        assert clients[name].post("/accounts/login/", {"login": user.username, "password": PASSWORD}).status_code \
            == 302
    urls = ["/", topic.board.get_absolute_url(), topic.get_absolute_url()]
    for client in clients.values():
        for url in urls:
            assert client.get(url).status_code == 200, url
    stored = [key.decode() for key in redis.Redis.from_url(private_redis.url).keys("*")]
    assert any("hearth.session." in key for key in stored) and any("lists:posts:" in key for key in stored)

    private_redis.stop()

    for name, client in clients.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert (b"Log out" in response.content) == (name != "visitor"), (name, url)
        shown = page(client.get(topic.get_absolute_url()))
        assert ("Zebra-striped sourdough secret" in shown) == (name == "moderator"), name
        assert (f'action="/mod/post/{secret.pk}/act/"' in shown) == (name == "moderator"), name
        assert (f'action="/p/{topic.first_post_id}/like/"' in shown) == (name == "moderator"), name
    member_client = clients["member"]
    assert member_client.post(f"/t/{topic.pk}/reply/", {"body": "Posting while Redis is stopped."}).status_code == 302
    assert "Posting while Redis is stopped." in page(member_client.get(topic.get_absolute_url()))
    old_cookie = member_client.cookies[settings_module.SESSION_COOKIE_NAME].value
    assert member_client.post("/accounts/logout/").status_code == 302

    private_redis.start()
    ResilientRedisCache._down_until = 0.0  # the few seconds of rest are over
    replay = Client()
    replay.cookies[settings_module.SESSION_COOKIE_NAME] = old_cookie
    assert b"Log out" not in replay.get("/").content
    assert b"Log out" in clients["moderator"].get(topic.get_absolute_url()).content
