"""The daily digest: at the member's own hour where they live, their unread notices that wait for it and
the most-liked new topics of the boards they watch; none when there is nothing new; once a day (a
DigestMark row per member and local day, taken before sending); in the member's language."""
import logging
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boards.models import Topic
from boards.permissions import visible_boards_q
from forum import links
from members.models import User
from notices.emails import recipient_language, send_with_unsubscribe
from notices.models import Notice
from notices.services import preferences_for
from notifications.models import BoardWatch, DigestMark

logger = logging.getLogger(__name__)

MAX_ITEMS = 30


def local_now(member: User, now):
    try:
        zone = zoneinfo.ZoneInfo(member.timezone) if member.timezone else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(now, zone)


def popular_new_topics(member: User, since, limit: int = 5) -> list[Topic]:
    boards = BoardWatch.objects.filter(member=member, level__in=[BoardWatch.Level.WATCHING,
                                                                 BoardWatch.Level.NEW_TOPICS]).values("board_id")
    # from the boards the member may see now (a watch outlives a fall below a board's rank)
    return list(Topic.objects.filter(visible_boards_q(member, "board"), board_id__in=boards, is_hidden=False,
                                     created_at__gte=since)
                .exclude(author=member).select_related("board", "first_post")
                .order_by("-first_post__like_count", "-post_count", "-id")[:limit])


def digest_candidates() -> list[User]:
    waiting = Notice.objects.filter(email_state=Notice.Email.DIGEST, read_at__isnull=True).values("recipient_id")
    watching = BoardWatch.objects.filter(level__in=[BoardWatch.Level.WATCHING, BoardWatch.Level.NEW_TOPICS]).values(
        "member_id")
    return list(User.objects.filter(Q(pk__in=waiting) | Q(pk__in=watching), is_active=True).exclude(email="")
                .select_related("rank"))


def send_digests(*, now=None) -> int:
    now = now or timezone.now()
    members = digest_candidates()
    prefs = preferences_for([m.pk for m in members])
    sent = 0
    for member in members:
        local = local_now(member, now)
        if local.hour != prefs[member.pk].digest_hour:
            continue
        if send_digest(member, day=local.date(), now=now):
            sent += 1
    return sent


def send_digest(member: User, *, day, now) -> bool:
    """Claim the member's digest for `day`, and send it if there is anything in it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                mark = DigestMark.objects.create(member=member, day=day)
        except IntegrityError:
            return False  # sent (or being sent) already today
        notices = list(Notice.objects.filter(recipient=member, email_state=Notice.Email.DIGEST, read_at__isnull=True)
                       .order_by("-created_at", "-id")[:MAX_ITEMS])
        topics = popular_new_topics(member, now - timedelta(days=1))
        if not notices and not topics:
            return False  # nothing new: no email (the mark keeps today from being asked again)
        with translation.override(recipient_language(member)):
            items = [{"text": n.text(), "url": _absolute(n.url)} for n in notices]
            popular = [{"title": t.title, "board": t.board.name,
                        "url": _absolute(links.topic_url(t.pk, t.slug))} for t in topics]
            send_with_unsubscribe(to_user=member, kind="digest", template="notifications/email/digest",
                                  subject=_("Your daily digest"),
                                  context={"items": items, "popular": popular, "day": day})
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(email_state=Notice.Email.SENT, emailed_at=now)
        DigestMark.objects.filter(pk=mark.pk).update(sent_at=now)
    logger.info("digest sent", extra={"member": member.pk, "notices": len(notices), "topics": len(topics)})
    return True


def _absolute(url: str) -> str:
    return settings.HEARTH["SITE_URL"] + url if url.startswith("/") else url
