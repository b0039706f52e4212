"""A notice by email, in the recipient's language. The task lives beside the email it sends, so that
services can queue it without importing anything that imports them."""
import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from notices.models import Notice

logger = logging.getLogger(__name__)


def recipient_language(user) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in languages else settings.LANGUAGE_CODE


def send_notice(notice: Notice) -> bool:
    recipient = notice.recipient
    if not recipient.email:
        return False
    with translation.override(recipient_language(recipient)):
        text = notice.text()
    site = settings.HEARTH["SITE_URL"]
    link = f"\n\n{site}{notice.url}" if notice.url.startswith("/") else (f"\n\n{notice.url}" if notice.url else "")
    send_mail(subject=f"[{settings.HEARTH['SITE_NAME']}] {text.title}", message=f"{text.body}{link}",
              from_email=None, recipient_list=[recipient.email])
    return True


@shared_task(name="notices.send_notice_email", autoretry_for=(SMTPException, OSError), retry_backoff=30,
             max_retries=5)
def send_notice_email(*, notice_id: int) -> bool:
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None:
        return False
    return send_notice(notice)
