"""Celery entry points of the notifications app (the web queues the fan-out by name: notifications.receivers)."""
from datetime import timedelta

from django.utils import timezone

from boards.models import Post
from forum.celery import app
from notifications.digest import send_digests
from notifications.fanout import fan_out
from notifications.models import FanoutMark


@app.task(name="notifications.fan_out", autoretry_for=(Exception,), retry_backoff=10, max_retries=5,
          ignore_result=True)  # fire and forget: no result backend touched when it is queued
def fan_out_post(post_id: int) -> int:
    """A post became visible: notify who should hear of it, chunk by chunk, each chunk once."""
    return fan_out(post_id)


@app.task(name="notifications.fan_out_missed", ignore_result=True)
def fan_out_missed(*, hours: int = 24, limit: int = 500) -> int:
    """Every few minutes: posts of the last day whose fan-out never ran (the broker was down when they were
    written) are fanned out now. Each runs once: fan_out skips what is marked done."""
    now = timezone.now()
    done = FanoutMark.objects.filter(chunk=0).values("post_id")
    missed = list(Post.objects.filter(created_at__gte=now - timedelta(hours=hours),
                                      created_at__lt=now - timedelta(minutes=2), is_hidden=False,
                                      is_awaiting_approval=False, deleted_at__isnull=True, topic__is_hidden=False)
                  .exclude(pk__in=done).order_by("id").values_list("id", flat=True)[:limit])
    for post_id in missed:
        fan_out(post_id)
    return len(missed)


@app.task(name="notifications.send_digests", autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def send_digests_task() -> int:
    """Hourly: the daily digest of the members whose digest hour it is where they live."""
    return send_digests()
