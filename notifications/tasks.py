"""Celery entry points of the notifications app."""
from celery import shared_task

from notifications.digest import send_digests
from notifications.fanout import fan_out


@shared_task(name="notifications.fan_out", autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def fan_out_post(post_id: int) -> int:
    """A post became visible: notify who should hear of it, chunk by chunk, each chunk once."""
    return fan_out(post_id)


@shared_task(name="notifications.send_digests", autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def send_digests_task() -> int:
    """Hourly: the daily digest of the members whose digest hour it is where they live."""
    return send_digests()
