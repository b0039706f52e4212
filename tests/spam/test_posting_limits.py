"""New-account limits on top of the rank's: the first day's topics and replies, the same body twice, and a
Newcomer linking one outside domain again and again."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from boards import services
from boards.models import AllowedLinkDomain, Post
from members.models import User
from tests.factories import BoardFactory, UserFactory, make_topic, newcomer_rank

pytestmark = pytest.mark.django_db


def topic(author, board, n):
    return services.topic_create(board=board, author=author, title=f"Topic {n}", body=f"Body {n}", rate_limit=True)


def test_the_first_day_allows_three_topics_then_a_day_later_more(settings):
    settings.HEARTH = {**settings.HEARTH, "TOPIC_RATE": (100, 60)}
    board = BoardFactory()
    author = UserFactory(username="fresh")
    for n in range(3):
        topic(author, board, n)
    with pytest.raises(ValidationError, match="first day"):
        topic(author, board, 3)
    User.objects.filter(pk=author.pk).update(date_joined=timezone.now() - timedelta(days=1, minutes=1))
    topic(User.objects.get(pk=author.pk), board, 4)


def test_the_first_day_allows_ten_replies(settings):
    settings.HEARTH = {**settings.HEARTH, "POST_RATE": (100, 60)}
    thread = make_topic()
    author = UserFactory(username="chatty")
    for n in range(10):
        services.post_create(topic=thread, author=author, body=f"Reply {n}", rate_limit=True)
    with pytest.raises(ValidationError, match="first day"):
        services.post_create(topic=thread, author=author, body="Reply 11", rate_limit=True)
    # moderators are not new accounts
    mod = UserFactory(username="fresh-mod", is_global_moderator=True)
    for n in range(11):
        cache.clear()  # the per-minute rate is not what this is about
        services.post_create(topic=thread, author=mod, body=f"Mod reply {n}", rate_limit=True)


def test_the_same_body_twice_within_five_minutes_is_refused(settings):
    one, two = make_topic(title="One"), make_topic(title="Two")
    author = UserFactory(username="copier")
    User.objects.filter(pk=author.pk).update(date_joined=timezone.now() - timedelta(days=30))
    author.refresh_from_db()
    services.post_create(topic=one, author=author, body="Buy cheap flour at my shop", rate_limit=True)
    with pytest.raises(ValidationError, match="exactly this"):
        services.post_create(topic=two, author=author, body="Buy cheap flour at my shop", rate_limit=True)
    Post.objects.filter(author=author).update(created_at=timezone.now() - timedelta(minutes=6))
    services.post_create(topic=two, author=author, body="Buy cheap flour at my shop", rate_limit=True)


def test_a_newcomer_linking_one_outside_domain_a_fourth_time_is_held(settings):
    settings.HEARTH = {**settings.HEARTH, "POST_RATE": (100, 60)}
    thread = make_topic()
    author = UserFactory(username="linker", rank=newcomer_rank(), approved_posts=5)
    posts = [services.post_create(topic=thread, author=author, body=f"See [this](https://shop.example/{n})")
             for n in range(4)]
    assert [post.is_awaiting_approval for post in posts] == [False, False, False, True]
    # another domain, the site's own and an allowed one are not held
    assert not services.post_create(topic=thread, author=author, body="[x](https://other.example/)").is_awaiting_approval
    for n in range(4):
        own = services.post_create(topic=thread, author=author, body=f"[own](http://127.0.0.1:8000/t/{n}/)")
    assert not own.is_awaiting_approval
    AllowedLinkDomain.objects.create(domain="shop.example")
    assert not services.post_create(topic=thread, author=author, body="[y](https://shop.example/9)").is_awaiting_approval
    # a member past Newcomer links freely
    regular = UserFactory(username="regular")
    for n in range(5):
        assert not services.post_create(topic=thread, author=regular,
                                        body=f"[z](https://elsewhere.example/{n})").is_awaiting_approval
