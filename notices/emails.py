"""Notices by email, in the recipient's language, each with a one-click unsubscribe (RFC 8058). The tasks
that send them are in notices/tasks.py; services queue them by name (forum.lazy.enqueue).

Emails "immediately" are due ten minutes after the notice and go out only if, by then, the member has not
read it on the site and has not been on the site in those minutes; at most DAILY_EMAIL_CAP a day, the
rest wait for the digest. Each is claimed before it is sent, so a retried task or a second worker never
sends it twice."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from members.activity import seen_within
from notices.models import Notice, Preferences, SentEmail

logger = logging.getLogger(__name__)

DAILY_EMAIL_CAP = 20
AWAY_SECONDS = 10 * 60
UNSUBSCRIBE_SALT = "notices.unsubscribe"


def recipient_language(user) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in languages else settings.LANGUAGE_CODE


def unsubscribe_token(member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not isinstance(data.get("k"), str):
        return None
    return data["m"], data["k"]


def unsubscribe_url(member_id: int, kind: str) -> str:
    path = reverse("notices:unsubscribe", kwargs={"token": unsubscribe_token(member_id, kind)})
    return settings.HEARTH["SITE_URL"] + path


def send_with_unsubscribe(*, to_user, kind: str, subject: str, template: str, context: dict) -> None:
    """An email with a plain-text and an HTML part and the List-Unsubscribe headers for `kind`."""
    link = unsubscribe_url(to_user.pk, kind)
    context = {**context, "recipient": to_user, "unsubscribe_url": link,
               "site_name": settings.HEARTH["SITE_NAME"], "site_url": settings.HEARTH["SITE_URL"]}
    message = EmailMultiAlternatives(
        subject=f"[{settings.HEARTH['SITE_NAME']}] {subject}",
        body=render_to_string(f"{template}.txt", context), to=[to_user.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def send_notice(notice: Notice) -> bool:
    """A notice by email: a reply or mention (notifications), or the site's own news (approvals,
    promotions, moderators' decisions: unsubscribing from those turns off `email_notices`)."""
    recipient = notice.recipient
    if not recipient.email:
        return False
    kind = notice.kind if notice.kind in Preferences.DEFAULTS else "general"
    site = settings.HEARTH["SITE_URL"]
    link = f"{site}{notice.url}" if notice.url.startswith("/") else notice.url
    with translation.override(recipient_language(recipient)):
        text = notice.text()
        send_with_unsubscribe(to_user=recipient, kind=kind, subject=text.title, template="notices/email/notice",
                              context={"notice": notice, "text": text, "link": link})
    return True


def _claim_due(now, limit: int) -> list[int]:
    """Take up to `limit` due emails (and ones a dead worker left half-sent) for this worker alone."""
    stale = now - timedelta(minutes=10)
    with transaction.atomic():
        ids = list(Notice.objects.select_for_update(skip_locked=True)
                   .filter(Q(email_state=Notice.Email.PENDING, email_due_at__lte=now)
                           | Q(email_state=Notice.Email.SENDING, email_due_at__lt=stale))
                   .order_by("email_due_at", "id").values_list("id", flat=True)[:limit])
        Notice.objects.filter(pk__in=ids).update(email_state=Notice.Email.SENDING, email_due_at=now)
    return ids


def send_due_emails(*, now=None, limit: int = 200) -> dict:
    """The minute task's work: each due notice is emailed once, or left for the digest."""
    now = now or timezone.now()
    counts = {"sent": 0, "read": 0, "active": 0, "capped": 0}
    for notice in Notice.objects.filter(pk__in=_claim_due(now, limit)).select_related("recipient"):
        member = notice.recipient
        if notice.read_at is not None:
            outcome = ""  # read on the site in the meantime: no email
            counts["read"] += 1
        elif seen_within(member.pk, AWAY_SECONDS):
            outcome = Notice.Email.DIGEST  # on the site just now: the header told them
            counts["active"] += 1
        elif SentEmail.objects.filter(member=member, sent_at__gte=now - timedelta(days=1)).count() >= DAILY_EMAIL_CAP:
            outcome = Notice.Email.DIGEST
            counts["capped"] += 1
        else:
            try:
                send_notice(notice)
            except Exception:
                Notice.objects.filter(pk=notice.pk).update(email_state=Notice.Email.PENDING)  # the next run retries
                logger.warning("notice email failed, will retry", extra={"notice_id": notice.pk})
                continue
            SentEmail.objects.create(member=member, kind=notice.kind)
            Notice.objects.filter(pk=notice.pk).update(email_state=Notice.Email.SENT, emailed_at=timezone.now())
            counts["sent"] += 1
            continue
        Notice.objects.filter(pk=notice.pk).update(email_state=outcome)
    return counts
