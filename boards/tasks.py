"""Celery entry points for boards: each loads rows by id and calls into boards.freshness/services."""
import logging
from datetime import date
from smtplib import SMTPException

from boards.emails import claim_reminder_email, send_freshness_email
from boards.freshness import send_freshness_reminders
from boards.services import scheduled_topics_publish_due
from forum.celery import app

logger = logging.getLogger(__name__)


@app.task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=1800, max_retries=5)
def check_freshness(day: str | None = None) -> int:
    """The daily check: reminders for quiet boards. Safe to run twice: each reminder is stored once."""
    plans = send_freshness_reminders(date.fromisoformat(day) if day else None)
    logger.info("freshness check done", extra={"reminders": len(plans)})
    return len(plans)


@app.task(autoretry_for=(Exception,), retry_backoff=10, max_retries=3)
def publish_scheduled_topics() -> int:
    """Every minute: scheduled seed topics whose time has come become topics, each exactly once."""
    return scheduled_topics_publish_due()


@app.task(name="boards.tasks.send_reminder_email", bind=True, autoretry_for=(SMTPException, OSError),
          retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def send_reminder_email(self, *, reminder_id: int) -> bool:
    """Email one stored reminder, once: the claim keeps a retry or a second worker from sending it again."""
    reminder = claim_reminder_email(reminder_id)
    if reminder is None:
        return False
    try:
        send_freshness_email(reminder)
    except Exception:
        # give the claim back so the retry can take it
        type(reminder).objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(email_claimed_at=None)
        logger.warning("reminder email failed, will retry", extra={"reminder_id": reminder_id,
                                                                   "attempt": self.request.retries})
        raise
    return True
