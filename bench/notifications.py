"""Time a reply to a topic with 5,000 watchers (part of `make bench`): the web request only, since the
fan-out is queued to Celery after the commit and runs in a worker. Then time that fan-out itself, run
in-process, to show what the worker does.

Runs after bench.py on the bench's own, marked PostgreSQL database (bench/guard.py); it adds 5,000
watchers to one topic and removes them again.
"""
import os
import statistics
import sys
import time

from djangoenv import setup_bench_django  # noqa: E402

setup_bench_django()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from boards.models import Post, Topic  # noqa: E402
from forum.celery import app as celery_app  # noqa: E402
from members.models import Rank, User  # noqa: E402
from notices.models import Notice  # noqa: E402
from notifications.fanout import fan_out  # noqa: E402
from notifications.models import TopicWatch  # noqa: E402

WATCHERS = int(os.environ.get("BENCH_WATCHERS", "5000"))
ROUNDS = 7


def main() -> int:
    celery_app.conf.task_always_eager = False  # queue the fan-out as production does; no worker drains it here
    settings.HEARTH = {**settings.HEARTH, "POST_RATE": (1000, 60), "DUPLICATE_WINDOW_SECONDS": 0}
    topic = Topic.objects.filter(is_hidden=False, is_locked=False).order_by("id").first()
    missing = WATCHERS + ROUNDS - User.objects.filter(is_active=True).exclude(pk=topic.author_id).count()
    if missing > 0:  # the bench forum has 400 members: add quiet ones to watch
        first = User.objects.filter(username__startswith="bench-watcher-").count()
        User.objects.bulk_create([User(username=f"bench-watcher-{i:05d}", email=f"w{i}@example.com",
                                       email_verified=True) for i in range(first, first + missing)], batch_size=2000)
    members = list(User.objects.filter(is_active=True).exclude(pk=topic.author_id).order_by("id")
                   .values_list("pk", flat=True)[: WATCHERS + ROUNDS])
    posters = [User.objects.get(pk=members.pop()) for _ in range(ROUNDS)]  # one reply each: no rate limit
    member_rank = Rank.objects.filter(order=1).first()  # past the newcomers' approval: the reply is published
    User.objects.filter(pk__in=[p.pk for p in posters]).update(rank=member_rank, rank_order=1, approved_posts=10)
    posters = list(User.objects.select_related("rank").filter(pk__in=[p.pk for p in posters]))
    TopicWatch.objects.filter(topic=topic).delete()
    Notice.objects.filter(topic_key=topic.pk).delete()  # an earlier run's unread bursts would fold the new ones
    TopicWatch.objects.bulk_create([TopicWatch(member_id=pk, topic=topic, level="watching") for pk in members],
                                   batch_size=2000)
    try:
        times = []
        for i, poster in enumerate(posters):
            client = Client()
            client.force_login(poster)
            started = time.perf_counter()
            response = client.post(f"/t/{topic.pk}/reply/", {"body": f"Bench reply {i} {time.time()}"},
                                   HTTP_HOST="127.0.0.1", REMOTE_ADDR=f"192.0.2.{i + 1}")  # a client each
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, (response.status_code, response.content.decode()[-3000:])
        post = Post.objects.filter(topic=topic).order_by("-id").first()
        assert not post.is_awaiting_approval
        started = time.perf_counter()
        made = fan_out(post.pk)
        fan_out_ms = (time.perf_counter() - started) * 1000
        print(f"[bench] notifications: a reply to a topic with {len(members):,} watchers: "
              f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {ROUNDS} (target < 200 ms); "
              f"the fan-out in the worker made {made:,} notices in {fan_out_ms:.0f} ms")
    finally:
        TopicWatch.objects.filter(topic=topic).delete()
        celery_app.control.purge()  # the fan-outs it queued: no worker of the bench will run them
    return 0


if __name__ == "__main__":
    sys.exit(main())
