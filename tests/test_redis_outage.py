"""Redis down (a real refused connection, not a mock): pages still serve, members still post,
the health check says Redis is down."""
import os
import time

import pytest

from boards.models import Post
from forum.cache import ResilientRedisCache

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
