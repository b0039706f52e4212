"""Celery entry points of the notices app (autodiscovered): the email tasks are defined in notices.emails."""
from celery import shared_task

from notices.emails import send_due_emails_task, send_notice_email
from notices.services import notices_prune

__all__ = ["prune_notices", "send_due_emails_task", "send_notice_email"]


@shared_task(name="notices.prune_notices")
def prune_notices() -> int:
    """Nightly: notices older than 90 days go."""
    return notices_prune()
