"""Writes for notices. The recipient's unread counter moves in the same transaction as the notice."""
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from members.models import User
from notices import kinds
from notices.emails import send_notice_email
from notices.models import Notice

logger = logging.getLogger(__name__)


def _build(*, recipient_id: int, verb: str, params: dict | None, title: str, body: str, url: str,
           kind: str) -> Notice:
    params = params or {}
    if verb:
        if not kinds.is_registered(verb):
            raise ValueError(f"unknown notice verb {verb!r}")
        # the words in the site's language, for the admin and as a fallback; readers get their own
        with translation.override(settings.LANGUAGE_CODE):
            words = kinds.render(verb, params, fallback=kinds.Text(title, body))
        title, body = title or words.title, body or words.body
    return Notice(recipient_id=recipient_id, kind=kind, verb=verb, params=params, title=title[:200], body=body,
                  url=url[:500])


@transaction.atomic
def notice_create(*, recipient: User, verb: str = "", params: dict | None = None, title: str = "", body: str = "",
                  url: str = "", kind: str = Notice.Kind.GENERAL, email: bool = False) -> Notice:
    """Tell a member something on the site. With `email`, it also goes by email once committed, where the
    member allows it."""
    notice = _build(recipient_id=recipient.pk, verb=verb, params=params, title=title, body=body, url=url, kind=kind)
    notice.save()
    User.objects.filter(pk=recipient.pk).update(unread_notice_count=F("unread_notice_count") + 1)
    if email and recipient.email_notices and recipient.email:
        notice_id = notice.pk
        transaction.on_commit(lambda: send_notice_email.delay(notice_id=notice_id), robust=True)
    return notice


@transaction.atomic
def notices_create_bulk(*, items: Iterable[dict], batch_size: int = 2000) -> int:
    """Many notices at once (the nightly rank recompute): one INSERT per batch, and the counters moved
    in batches. Each item has recipient_id, verb, params and url."""
    notices = [_build(recipient_id=item["recipient_id"], verb=item["verb"], params=item.get("params"),
                      title="", body="", url=item.get("url", ""), kind=item.get("kind", Notice.Kind.GENERAL))
               for item in items]
    Notice.objects.bulk_create(notices, batch_size=batch_size)
    ids = [n.recipient_id for n in notices]
    for i in range(0, len(ids), 5000):
        User.objects.filter(pk__in=ids[i:i + 5000]).update(unread_notice_count=F("unread_notice_count") + 1)
    return len(notices)


@transaction.atomic
def notices_mark_read(*, user: User) -> int:
    count = Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    User.objects.filter(pk=user.pk).update(unread_notice_count=0)
    user.unread_notice_count = 0
    return count


@transaction.atomic
def notice_mark_read(*, user: User, notice_id: int) -> bool:
    """Mark one of the member's own notices read; False when it was read already (or is not theirs)."""
    marked = Notice.objects.filter(pk=notice_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        User.objects.filter(pk=user.pk, unread_notice_count__gt=0).update(
            unread_notice_count=F("unread_notice_count") - 1)
        user.unread_notice_count = max(user.unread_notice_count - 1, 0)
    return bool(marked)
