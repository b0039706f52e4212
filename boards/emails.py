"""The freshness reminder as an email; the task that sends each stored reminder once is in boards/tasks.py
(boards.freshness queues it by name, forum.lazy.enqueue)."""
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.models import FreshnessReminder


def reminder_title(plan_or_report_boards: list[dict]) -> str:
    names = ", ".join(b["name"] for b in plan_or_report_boards)
    return _("Quiet boards need a seed today: %(names)s") % {"names": names}


def claim_reminder_email(reminder_id: int) -> FreshnessReminder | None:
    """Take the right to email this reminder; None when it was sent, or is being sent, already."""
    stale = timezone.now() - timedelta(minutes=10)
    claimed = FreshnessReminder.objects.filter(pk=reminder_id, emailed_at__isnull=True).filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale)
    ).update(email_claimed_at=timezone.now())
    if not claimed:
        return None
    return FreshnessReminder.objects.select_related("recipient").get(pk=reminder_id)


def send_freshness_email(reminder) -> None:
    """The reminder as an email with plain-text and HTML parts. Marks it sent."""
    recipient = reminder.recipient
    if not recipient.email:
        type(reminder).objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
        return
    context = {"reminder": reminder, "report": reminder.report, "recipient": recipient,
               "site_name": settings.HEARTH["SITE_NAME"], "site_url": settings.HEARTH["SITE_URL"]}
    message = EmailMultiAlternatives(
        subject=f"[{settings.HEARTH['SITE_NAME']}] {reminder_title(reminder.report['boards'])}",
        body=render_to_string("boards/email/freshness_reminder.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("boards/email/freshness_reminder.html", context), "text/html")
    message.send()
    type(reminder).objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
