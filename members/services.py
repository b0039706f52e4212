import logging
import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members import signup
from members.models import BlockedSignupCount, DisposableEmailDomain, MemberVisit, SignupRecord, User

logger = logging.getLogger(__name__)

DISPOSABLE_LIST = Path(__file__).resolve().parent / "disposable_domains.txt"


def user_mark_email_verified(*, user: User) -> User:
    if not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
        logger.info("email verified", extra={"user_id": user.pk})
    return user


@transaction.atomic
def admin_ensure(*, username: str, email: str, password: str | None = None) -> tuple[User, str | None]:
    """Create the site admin once. Returns (user, password) with the password only when created."""
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


def visit_record(*, user: User, day) -> bool:
    """Count today's visit: at most one write per member per day, however many requests race."""
    with transaction.atomic():
        counted = User.objects.filter(pk=user.pk).filter(
            models.Q(last_visit_on__isnull=True) | models.Q(last_visit_on__lt=day)
        ).update(days_visited=F("days_visited") + 1, last_visit_on=day)
        if counted:
            MemberVisit.objects.bulk_create([MemberVisit(member_id=user.pk, day=day)], ignore_conflicts=True)
    user.last_visit_on = day
    return bool(counted)


def user_record_language(*, user: User, language: str) -> None:
    """Remember the language the member uses the site in (emails are written in it). Written only when
    it changed."""
    if language and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language[:16])
        user.language = language[:16]


# ---------------------------------------------------------------- standing, as moderators change it
# (the moderation app decides who may, and logs it; these only change the member's row)

def member_warn(*, member: User) -> None:
    User.objects.filter(pk=member.pk).update(warning_count=F("warning_count") + 1)


def member_suspend(*, member: User, until, now) -> None:
    User.objects.filter(pk=member.pk).update(suspended_until=until, last_suspended_at=now)


def member_ban(*, member: User, now) -> None:
    User.objects.filter(pk=member.pk).update(is_banned=True, last_suspended_at=now)


def member_unban(*, member: User) -> None:
    User.objects.filter(pk=member.pk).update(is_banned=False, suspended_until=None)


def member_count_upheld_report(*, member_id: int, reporter_ids, now) -> None:
    """A report against the member was upheld: it counts against them, and for the reporters."""
    User.objects.filter(pk=member_id).update(upheld_reports=F("upheld_reports") + 1, last_upheld_report_at=now)
    User.objects.filter(pk__in=reporter_ids).update(accurate_reports=F("accurate_reports") + 1)


# ---------------------------------------------------------------- signups (members.signup tells bots)

def signup_blocked_count(*, day=None) -> None:
    """A bot's signup was answered like a success: count it for the day."""
    day = day or timezone.localdate()
    with transaction.atomic():
        BlockedSignupCount.objects.get_or_create(day=day)
        BlockedSignupCount.objects.filter(day=day).update(count=F("count") + 1)
    logger.info("signup blocked as a bot's")


def disposable_domains_load(model=DisposableEmailDomain) -> None:
    """The shipped list of throwaway mail domains (members/disposable_domains.txt), added to the admin's
    list (the migration calls this with its historical model)."""
    names = {line.strip().lower() for line in DISPOSABLE_LIST.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    model.objects.bulk_create([model(domain=name) for name in sorted(names)], ignore_conflicts=True)


def email_is_disposable(email: str) -> bool:
    domain = signup.email_domain(email)
    # a subdomain of a listed domain is as disposable as the domain
    parts = domain.split(".")
    candidates = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    return DisposableEmailDomain.objects.filter(domain__in=candidates).exists()


def banned_lookalike(email: str) -> User | None:
    """A banned member whose address is within an edit distance of 2 of `email` (the same one included)."""
    email = (email or "").strip().lower()
    for member_id, address in User.objects.filter(is_banned=True).exclude(email="").values_list("pk", "email"):
        if signup.edit_distance(email, address.lower(), 2) <= 2:
            return User.objects.get(pk=member_id)
    return None


@transaction.atomic
def signup_record_create(*, user: User, ip: str | None) -> SignupRecord:
    """Remember where the account came from; an address close to a banned member's holds its posts for
    a moderator."""
    lookalike = banned_lookalike(user.email)
    held = (_("The email address is close to that of the banned member %(name)s.") % {"name": lookalike.username}
            if lookalike is not None and lookalike.pk != user.pk else "")
    record, _created = SignupRecord.objects.update_or_create(
        member=user, defaults={"ip": ip if ip and ip != "unknown" else None, "held_reason": held[:300]})
    return record
