"""Celery entry points of the notifications app."""
import logging
import time
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from boards.models import Post
from notifications.digest import send_digests
from notifications.fanout import fan_out
from notifications.models import FanoutMark

logger = logging.getLogger(__name__)

# After the broker refused a fan-out, the web stops trying for a while; the sweeper below catches up.
BROKER_REST_SECONDS = 10
_broker_down_until = 0.0


@shared_task(name="notifications.fan_out", autoretry_for=(Exception,), retry_backoff=10, max_retries=5,
             ignore_result=True)  # fire and forget: no result backend touched when it is queued
def fan_out_post(post_id: int) -> int:
    """A post became visible: notify who should hear of it, chunk by chunk, each chunk once."""
    return fan_out(post_id)


def queue_fan_out(post_id: int) -> None:
    """Queue a post's fan-out from a web request, never holding the request up: one quick try at the
    broker; when Redis is down the post is posted all the same and `fan_out_missed` notifies later."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    try:
        fan_out_post.apply_async(args=[post_id], retry=False)
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_REST_SECONDS
        logger.warning("broker unavailable: the post's notifications wait for the sweeper",
                       extra={"post_id": post_id})


@shared_task(name="notifications.fan_out_missed", ignore_result=True)
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


@shared_task(name="notifications.send_digests", autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def send_digests_task() -> int:
    """Hourly: the daily digest of the members whose digest hour it is where they live."""
    return send_digests()
