"""Celery entry points of the notices app (autodiscovered by the workers; the web queues them by name with
forum.lazy.enqueue and never imports this module to show a page)."""
from smtplib import SMTPException

from forum.celery import app
from notices.emails import send_due_emails, send_notice
from notices.models import Notice
from notices.services import notices_prune


@app.task(name="notices.send_notice_email", autoretry_for=(SMTPException, OSError), retry_backoff=30,
          max_retries=5, ignore_result=True)
def send_notice_email(*, notice_id: int) -> bool:
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None:
        return False
    return send_notice(notice)


@app.task(name="notices.send_due_emails")
def send_due_emails_task() -> dict:
    return send_due_emails()


@app.task(name="notices.prune_notices")
def prune_notices() -> int:
    """Nightly: notices older than 90 days go."""
    return notices_prune()
