import logging
from smtplib import SMTPException

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def recompute_ranks_nightly() -> dict:
    """Ranks for every member, then moderator proposals from the top rank."""
    from members.promotions import propose_moderators
    from members.ranks import recompute_ranks

    result = recompute_ranks()
    proposals = propose_moderators()
    return {"members": result.members, "promoted": result.promoted, "dropped": result.dropped,
            "proposals": len(proposals), "seconds": round(result.seconds, 2)}


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=5)
def send_notice_email(*, notice_id: int) -> bool:
    from django.conf import settings
    from django.core.mail import send_mail

    from members.models import Notice

    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None or not notice.recipient.email:
        return False
    site = settings.HEARTH["SITE_URL"]
    link = f"\n\n{site}{notice.url}" if notice.url.startswith("/") else (f"\n\n{notice.url}" if notice.url else "")
    send_mail(subject=f"[{settings.HEARTH['SITE_NAME']}] {notice.title}", message=f"{notice.body}{link}",
              from_email=None, recipient_list=[notice.recipient.email])
    return True
