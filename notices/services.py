"""Writes for notices. The recipient's unread counter moves in the same transaction as the notice."""
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone, translation

from forum.lazy import enqueue
from members.models import User
from notices import kinds
from notices.models import Notice, Preferences, SentEmail

logger = logging.getLogger(__name__)


def _build(*, recipient_id: int, verb: str, params: dict | None, title: str, body: str, url: str,
           kind: str) -> Notice:
    params = params or {}
    if verb:
        if not kinds.is_registered(verb):
            raise ValueError(f"unknown notice verb {verb!r}")
        # the words in the site's language, for the admin and as a fallback; readers get their own
        with translation.override(settings.LANGUAGE_CODE):
            words = kinds.render(verb, {**params, "count": 1}, fallback=kinds.Text(title, body))
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
        transaction.on_commit(lambda: enqueue("notices.tasks.send_notice_email", kwargs={"notice_id": notice_id}),
                              robust=True)
    return notice


@transaction.atomic
def notices_create_bulk(*, items: Iterable[dict], batch_size: int = 2000) -> int:
    """Many notices at once (the nightly rank recompute): one INSERT per batch, and the counters moved
    in batches. Each item has recipient_id, verb, params and url."""
    notices = [_build(recipient_id=item["recipient_id"], verb=item["verb"], params=item.get("params"),
                      title="", body="", url=item.get("url", ""), kind=item.get("kind", Notice.Kind.GENERAL))
               for item in items]
    Notice.objects.bulk_create(notices, batch_size=batch_size)
    _count_unread([n.recipient_id for n in notices])
    return len(notices)


def _count_unread(recipient_ids: list[int]) -> None:
    """Each recipient's unread counter up by their number of new notices (one member may get several)."""
    by_count: dict[int, list[int]] = {}
    for member_id, n in Counter(recipient_ids).items():
        by_count.setdefault(n, []).append(member_id)
    for n, members in by_count.items():
        for i in range(0, len(members), 5000):
            User.objects.filter(pk__in=members[i:i + 5000]).update(unread_notice_count=F("unread_notice_count") + n)


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


# ---------------------------------------------------------------- members' notifications (replies, mentions …)

IMMEDIATE_DELAY = timedelta(minutes=10)  # "immediately" waits this long, and only if the member stays away


@dataclass
class NewNotice:
    """One notice to deliver (the notifications app builds these)."""

    recipient_id: int
    kind: str
    verb: str
    params: dict
    url: str
    actor_id: int | None
    topic_key: int | None
    dedupe_key: str
    burst: bool = False  # fold into the recipient's unread notice of the same verb and topic


def preferences_for(member_ids) -> dict[int, Preferences]:
    """Each member's preferences (defaults for those who never saved any). One query."""
    found = {p.member_id: p for p in Preferences.objects.filter(member_id__in=list(member_ids))}
    return {pk: found.get(pk) or Preferences(member_id=pk) for pk in member_ids}


@transaction.atomic
def deliver(*, items: list[NewNotice], now=None) -> int:
    """Create many notices in a fixed number of queries: bursts fold into the unread notice they continue,
    the rest are inserted; each gets its email plan from the recipient's preferences, and the unread
    counters move in the same transaction. Returns how many new notices were made."""
    now = now or timezone.now()
    if not items:
        return 0
    folded: set[int] = set()
    bursts = [item for item in items if item.burst]
    if bursts:
        keys = {(b.topic_key, b.verb) for b in bursts}
        for topic_key, verb in keys:
            ids = [b.recipient_id for b in bursts if (b.topic_key, b.verb) == (topic_key, verb)]
            open_ones = Notice.objects.filter(recipient_id__in=ids, topic_key=topic_key, verb=verb,
                                              read_at__isnull=True)
            folded |= set(open_ones.values_list("recipient_id", flat=True))
            open_ones.update(count=F("count") + 1, created_at=now)
    fresh = [item for item in items if not (item.burst and item.recipient_id in folded)]
    prefs = preferences_for({item.recipient_id for item in fresh})
    emails = dict(User.objects.filter(pk__in=list(prefs)).values_list("pk", "email"))
    notices = []
    for item in fresh:
        choice = prefs[item.recipient_id].email_choice(item.kind)
        state, due = "", None
        if choice == Preferences.Choice.IMMEDIATELY and emails.get(item.recipient_id):
            state, due = Notice.Email.PENDING, now + IMMEDIATE_DELAY
        elif choice == Preferences.Choice.DIGEST:
            state = Notice.Email.DIGEST
        notice = _build(recipient_id=item.recipient_id, verb=item.verb, params=item.params, title="", body="",
                        url=item.url, kind=item.kind)
        notice.actor_id, notice.topic_key, notice.dedupe_key = item.actor_id, item.topic_key, item.dedupe_key
        notice.email_state, notice.email_due_at = state, due
        notices.append(notice)
    Notice.objects.bulk_create(notices, batch_size=1000)
    _count_unread([n.recipient_id for n in notices])
    return len(notices)


@transaction.atomic
def notice_add_one(*, recipient_id: int, kind: str, verb: str, params: dict, url: str, actor_id: int | None,
                   topic_key: int | None, dedupe_key: str) -> Notice:
    """One notice per recipient and key (a post's likes of one day): the first event creates it, later
    ones count into it and bring it back to the top, unread again."""
    existing = Notice.objects.select_for_update().filter(recipient_id=recipient_id, dedupe_key=dedupe_key).first()
    if existing is None:
        deliver(items=[NewNotice(recipient_id=recipient_id, kind=kind, verb=verb, params=params, url=url,
                                 actor_id=actor_id, topic_key=topic_key, dedupe_key=dedupe_key)])
        return Notice.objects.get(recipient_id=recipient_id, dedupe_key=dedupe_key)
    changes = {"count": F("count") + 1, "actor_id": actor_id, "params": params, "created_at": timezone.now()}
    if existing.read_at is not None:
        changes["read_at"] = None
        User.objects.filter(pk=recipient_id).update(unread_notice_count=F("unread_notice_count") + 1)
    Notice.objects.filter(pk=existing.pk).update(**changes)
    existing.refresh_from_db()
    return existing


@transaction.atomic
def notices_mark_topic_read(*, user: User, topic_key: int) -> int:
    """Opening a topic marks the member's notices about it read (a burst of posts, a mention, a reply)."""
    count = Notice.objects.filter(recipient=user, topic_key=topic_key, read_at__isnull=True).update(
        read_at=timezone.now())
    if count:
        User.objects.filter(pk=user.pk).update(
            unread_notice_count=Greatest(F("unread_notice_count") - count, Value(0)))
        user.unread_notice_count = max(user.unread_notice_count - count, 0)
    return count


@transaction.atomic
def notices_prune(*, older_than_days: int = 90, now=None) -> int:
    """Notices older than 90 days go (the unread ones leave the counters too)."""
    limit = (now or timezone.now()) - timedelta(days=older_than_days)
    old = Notice.objects.filter(created_at__lt=limit)
    for member_id, n in (old.filter(read_at__isnull=True).values_list("recipient_id").annotate(n=Count("id"))):
        User.objects.filter(pk=member_id).update(unread_notice_count=Greatest(F("unread_notice_count") - n,
                                                                             Value(0)))
    SentEmail.objects.filter(sent_at__lt=limit).delete()
    deleted, _rows = old.delete()
    return deleted


@transaction.atomic
def preferences_save(*, member: User, email: dict, digest_hour: int, watch_replied_topics: bool) -> Preferences:
    prefs, _created = Preferences.objects.select_for_update().get_or_create(member=member)
    valid_kinds = set(Preferences.DEFAULTS)
    prefs.email = {kind: choice for kind, choice in email.items()
                   if kind in valid_kinds and choice in Preferences.Choice.values}
    prefs.digest_hour = min(max(int(digest_hour), 0), 23)
    prefs.watch_replied_topics = watch_replied_topics
    prefs.save(update_fields=["email", "digest_hour", "watch_replied_topics"])
    return prefs


@transaction.atomic
def unsubscribe(*, member_id: int, kind: str) -> None:
    """Turn off one kind of email (the one-click link in every email). "digest": every kind the digest
    carries; "general": the site's own notices by email."""
    if kind == "general":
        User.objects.filter(pk=member_id).update(email_notices=False)
        return
    prefs, _created = Preferences.objects.select_for_update().get_or_create(member_id=member_id)
    kinds = ([k for k in Preferences.DEFAULTS if prefs.email_choice(k) == Preferences.Choice.DIGEST]
             if kind == "digest" else [kind])
    prefs.email = {**prefs.email, **{k: Preferences.Choice.NEVER for k in kinds if k in Preferences.DEFAULTS}}
    prefs.save(update_fields=["email"])
    # what was already waiting to be emailed stays on the site only
    Notice.objects.filter(recipient_id=member_id, kind__in=kinds,
                          email_state__in=[Notice.Email.PENDING, Notice.Email.DIGEST]).update(email_state="")
