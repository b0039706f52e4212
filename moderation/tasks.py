"""Celery entry points for moderation."""
from forum.celery import app
from moderation.services import expire_pins_and_features
from moderation.services import remind_stale_cases as remind


@app.task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=1800, max_retries=5)
def remind_stale_cases() -> int:
    """Daily, with the freshness check: cases left open too long remind their moderators, then the admins."""
    return remind()


@app.task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=1800, max_retries=5)
def expire_pins_and_featured() -> int:
    """Every few minutes: pins and 精华 marks whose "until" has passed come off, logged as the system's."""
    return expire_pins_and_features()
