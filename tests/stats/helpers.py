"""Hand-built history for the stats tests: topics, replies, likes and visits placed at exact moments."""
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from boards.models import Post, PostLike, Topic
from members.models import MemberVisit, User
from stats import definitions as d
from tests.factories import UserFactory, make_post, make_topic


def today() -> date:
    return d.today()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), d.zone())


def member(username: str, *, joined: datetime | None = None, **fields) -> User:
    user = UserFactory(username=username, **fields)
    if joined is not None:
        User.objects.filter(pk=user.pk).update(date_joined=joined)
        user.date_joined = joined
    return user


def topic_at(when: datetime, *, board, author, title="A question"):
    topic = make_topic(board=board, author=author, title=title, body=f"{title}?")
    Topic.objects.filter(pk=topic.pk).update(created_at=when, last_post_at=when)
    Post.objects.filter(pk=topic.first_post_id).update(created_at=when)
    topic.refresh_from_db()
    return topic


def reply_at(topic, when: datetime, *, author, **flags) -> Post:
    post = make_post(topic=topic, author=author, body=f"An answer by {author.username}.")
    Post.objects.filter(pk=post.pk).update(created_at=when, **flags)
    last = max(when, Topic.objects.get(pk=topic.pk).last_post_at)
    Topic.objects.filter(pk=topic.pk).update(last_post_at=last)
    post.refresh_from_db()
    return post


def like_at(post, who, when: datetime) -> PostLike:
    like = PostLike.objects.create(post=post, member=who)
    PostLike.objects.filter(pk=like.pk).update(created_at=when)
    return like


def visit(user, *days: date) -> None:
    MemberVisit.objects.bulk_create([MemberVisit(member=user, day=day) for day in days], ignore_conflicts=True)
