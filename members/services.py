import logging
import secrets
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members import joining, signup
from members.models import (
    BlockedSignupCount,
    DisposableEmailDomain,
    InviteCode,
    JoinStatus,
    MemberVisit,
    RegistrationMode,
    SignupRecord,
    SiteSettings,
    User,
)
from members.signals import member_waiting_to_join

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


# ---------------------------------------------------------------- the join gate (members.joining)

class InviteUnavailable(ValidationError):
    """The code was used (or ran out) between the form's check and the signup: nothing is created."""

    def __init__(self, problem: str):
        super().__init__(problem)


@transaction.atomic
def site_settings_update(**values) -> SiteSettings:
    """Change the site settings row (made when missing); the admin edits it too."""
    row, _created = SiteSettings.objects.select_for_update().get_or_create(pk=1)
    for key, value in values.items():
        setattr(row, key, value)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def signup_admit(*, user: User, admission: joining.Admission) -> User:
    """Let a new account through the gate it signed up by: an invite code is taken (once: a code used
    meanwhile raises InviteUnavailable, and the caller's transaction makes nothing); under approval the
    account waits, with what it said kept for the moderator, and a case is opened (member_waiting_to_join).
    An account waits only when it signed up by approval: switching the mode later changes no account."""
    now = timezone.now()
    if admission.mode == RegistrationMode.INVITE:
        invite = admission.invite
        taken = invite is not None and InviteCode.objects.filter(
            pk=invite.pk, used_by__isnull=True, used_at__isnull=True, expires_at__gt=now).update(
            used_by=user, used_at=now)
        if not taken:
            raise InviteUnavailable(joining.invite_problem(joining.find_invite(invite.code) if invite else None,
                                                           now=now) or _("This invite code can't be used."))
    waiting = admission.mode == RegistrationMode.APPROVAL
    status = JoinStatus.WAITING if waiting else JoinStatus.APPROVED
    if user.join_status != status:
        User.objects.filter(pk=user.pk).update(join_status=status)
        user.join_status = status
    held = ", ".join(f"“{term}”" for term in admission.held_terms)[:300]
    SignupRecord.objects.update_or_create(member=user, defaults={
        "join_reason": admission.reason[:joining.REASON_MAX_CHARS], "join_reason_held_terms": held,
        "question": admission.question[:300], "answer": admission.answer[:300]})
    if waiting:
        member_waiting_to_join.send(sender=User, member=user, held_terms=held)
    logger.info("signed up", extra={"user_id": user.pk, "mode": admission.mode})
    return user


def member_admit(*, member: User) -> None:
    """A moderator let the account in (moderation decides who may, and logs it)."""
    User.objects.filter(pk=member.pk).update(join_status=JoinStatus.APPROVED)
    member.join_status = JoinStatus.APPROVED


def member_refuse(*, member: User) -> None:
    """A moderator refused the account: it keeps reading, never writes (its name and address stay taken)."""
    User.objects.filter(pk=member.pk).update(join_status=JoinStatus.REFUSED)
    member.join_status = JoinStatus.REFUSED


@transaction.atomic
def invite_create(*, member: User) -> InviteCode:
    """A new invite code, within the member's quota (their row is locked, so two clicks at once cannot
    both take the last one)."""
    member = User.objects.select_for_update(of=("self",)).select_related("rank").get(pk=member.pk)
    refusal = joining.invite_refusal(member)
    if refusal:
        raise PermissionDenied(refusal)
    days = joining.site_settings().invite_expiry_days
    invite = InviteCode.objects.create(code=secrets.token_urlsafe(joining.INVITE_CODE_BYTES), created_by=member,
                                       expires_at=timezone.now() + timedelta(days=days))
    logger.info("invite code made", extra={"user_id": member.pk, "invite_id": invite.pk})
    return invite
