"""Celery entry points for boards: each loads rows by id and calls into boards.freshness/services."""
import logging
from datetime import date

from celery import shared_task

from boards.emails import send_reminder_email
from boards.freshness import send_freshness_reminders
from boards.services import scheduled_topics_publish_due

logger = logging.getLogger(__name__)

__all__ = ["check_freshness", "publish_scheduled_topics", "send_reminder_email"]


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=1800, max_retries=5)
def check_freshness(day: str | None = None) -> int:
    """The daily check: reminders for quiet boards. Safe to run twice: each reminder is stored once."""
    plans = send_freshness_reminders(date.fromisoformat(day) if day else None)
    logger.info("freshness check done", extra={"reminders": len(plans)})
    return len(plans)


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=3)
def publish_scheduled_topics() -> int:
    """Every minute: scheduled seed topics whose time has come become topics, each exactly once."""
    return scheduled_topics_publish_due()
