import logging
import secrets

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from members.models import User

logger = logging.getLogger(__name__)


def user_mark_email_verified(*, user: User) -> User:
    if not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
        logger.info("email verified", extra={"user_id": user.pk})
    return user


@transaction.atomic
def admin_ensure(*, username: str, email: str, password: str | None = None) -> tuple[User, str | None]:
    """Create the site admin once. Returns (user, password) with the password only when created."""
    from allauth.account.models import EmailAddress

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email=email, password=password)
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user, password


PREFERENCE_FIELDS = ("timezone", "email_notices", "freshness_reminders", "board_freshness_reminders")


def user_update_preferences(*, user: User, **values) -> User:
    values = {key: value for key, value in values.items() if key in PREFERENCE_FIELDS}
    User.objects.filter(pk=user.pk).update(**values)
    for key, value in values.items():
        setattr(user, key, value)
    return user


@transaction.atomic
def notice_create(*, recipient: User, title: str, body: str = "", url: str = "", kind: str = "general",
                  email: bool = False):
    """Tell a member something on the site; their unread count moves in the same transaction. With
    `email`, it also goes by email once committed, where the member allows it."""
    from members.models import Notice

    notice = Notice.objects.create(recipient=recipient, kind=kind, title=title[:200], body=body, url=url[:500])
    User.objects.filter(pk=recipient.pk).update(unread_notice_count=F("unread_notice_count") + 1)
    if email and recipient.email_notices and recipient.email:
        from members.tasks import send_notice_email

        transaction.on_commit(lambda: send_notice_email.delay(notice_id=notice.pk), robust=True)
    return notice


@transaction.atomic
def notices_mark_read(*, user: User) -> int:
    from members.models import Notice

    count = Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    User.objects.filter(pk=user.pk).update(unread_notice_count=0)
    user.unread_notice_count = 0
    return count


def visit_record(*, user: User, day) -> bool:
    """Count today's visit: at most one write per member per day, however many requests race."""
    from members.models import MemberVisit

    with transaction.atomic():
        counted = User.objects.filter(pk=user.pk).filter(
            models.Q(last_visit_on__isnull=True) | models.Q(last_visit_on__lt=day)
        ).update(days_visited=F("days_visited") + 1, last_visit_on=day)
        if counted:
            MemberVisit.objects.bulk_create([MemberVisit(member_id=user.pk, day=day)], ignore_conflicts=True)
    user.last_visit_on = day
    return bool(counted)
