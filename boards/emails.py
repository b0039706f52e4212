from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from boards.freshness import reminder_title


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
