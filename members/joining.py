"""The join gate (加入门槛): how people may sign up, as the admin set it (SiteSettings: open, invite only,
approval, closed), the invite codes members make, and the signup question. Reads and checks only; the
writes are in members.services (signup_admit, invite_create, member_admit, member_refuse).

- **Invite only**: the signup form takes a code a member made (members.models.InviteCode): unused, not
  expired. Members make as many codes in any 30 days as their rank allows (Rank.invites_per_month);
  admins have no limit.
- **Approval**: the form asks why they want to join; the account is made, but waits (User.join_status)
  and members.permissions.write_refusal refuses its every write until a moderator lets it in from the
  moderation queue (a case of kind "signup", opened through members.signals.member_waiting_to_join).
- **The signup question**: one active SignupQuestion at random, carried in the form as a signed,
  time-stamped token (so the answer is checked against the question that was shown); answers compare
  folded (fold_answer).
"""
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members import signup
from members.models import InviteCode, RegistrationMode, SignupQuestion, SiteSettings, User
from members.permissions import is_admin, write_refusal

INVITE_WINDOW = timedelta(days=30)  # Rank.invites_per_month counts the codes made in any 30 days
QUESTION_SALT = "hearth.signup-question"
QUESTION_TOKEN_FIELD = "question_token"  # noqa: S105 - a field name
REASON_MIN_CHARS = 10
REASON_MAX_CHARS = 1000
INVITE_CODE_BYTES = 16  # secrets.token_urlsafe: 22 characters, 128 bits


def site_settings() -> SiteSettings:
    """The admin's settings row, or the defaults (open registration) when nobody saved any. Never writes."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def registration_mode() -> str:
    return site_settings().registration_mode


def is_open(mode: str) -> bool:
    return mode != RegistrationMode.CLOSED


@dataclass
class Admission:
    """What the signup form found out about a new account, for members.services.signup_admit."""

    mode: str
    invite: InviteCode | None = None
    reason: str = ""
    held_terms: list[str] = field(default_factory=list)  # word filter "hold" terms in the reason
    question: str = ""
    answer: str = ""


# ---------------------------------------------------------------- the signup question

def fold_answer(text: str) -> str:
    """An answer as it is compared: full-width forms as half-width ones (NFKC: ＡＢＣ → ABC, １２ → 12, the
    ideographic space → a space), case folded, trimmed, runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text or "")
    text = unicodedata.normalize("NFKC", text.casefold())  # casefold may undo NFKC (ǅ, ß …): once more
    return " ".join(text.split())


def answer_matches(question: SignupQuestion, answer: str) -> bool:
    given = fold_answer(answer)
    return bool(given) and any(given == fold_answer(accepted) for accepted in question.accepted_answers())


def pick_question() -> SignupQuestion | None:
    """One of the active questions, at random; None when there is none."""
    ids = list(SignupQuestion.objects.filter(is_active=True).values_list("pk", flat=True))
    return SignupQuestion.objects.filter(pk=secrets.choice(ids)).first() if ids else None


def question_token(question: SignupQuestion) -> str:
    return signing.TimestampSigner(salt=QUESTION_SALT).sign(str(question.pk))


def question_from_token(token: str) -> SignupQuestion | None:
    """The question a form was rendered with; None for a token that is missing, forged or older than the
    signup form's own token may be, or a question no longer asked."""
    try:
        value = signing.TimestampSigner(salt=QUESTION_SALT).unsign(token or "", max_age=signup.TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not value.isdigit():
        return None
    return SignupQuestion.objects.filter(pk=int(value), is_active=True).first()


# ---------------------------------------------------------------- invite codes

def find_invite(code: str) -> InviteCode | None:
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    return InviteCode.objects.filter(code=code).first()


def invite_problem(invite: InviteCode | None, *, now=None) -> str | None:
    """Why this code does not let anyone in (None: it does)."""
    if invite is None:
        return _("This invite code is not valid. Check it, or ask the member who invited you for a new one.")
    if invite.used_by_id is not None or invite.used_at is not None:
        return _("This invite code has been used already. Ask the member who invited you for a new one.")
    if invite.expires_at <= (now or timezone.now()):
        return _("This invite code has expired. Ask the member who invited you for a new one.")
    return None


def invite_quota(member: User) -> int | None:
    """Codes the member may make in any 30 days: None for no limit (admins)."""
    if is_admin(member):
        return None
    return member.rank.invites_per_month if member.rank_id else 0


def invites_made_recently(member: User, *, now=None) -> int:
    return InviteCode.objects.filter(created_by=member, created_at__gt=(now or timezone.now()) - INVITE_WINDOW).count()


def invites_left(member: User, *, now=None) -> int | None:
    quota = invite_quota(member)
    return None if quota is None else max(quota - invites_made_recently(member, now=now), 0)


def invite_refusal(member: User, *, now=None) -> str | None:
    """Why the member may not make an invite code now, or None."""
    refusal = write_refusal(member)
    if refusal:
        return refusal
    quota = invite_quota(member)
    if quota is None:
        return None
    if quota == 0:
        return _("Your rank does not give invite codes yet.")
    if invites_made_recently(member, now=now) >= quota:
        return _("You have made all %(count)d invite codes your rank gives in 30 days. Try again later.") % {
            "count": quota}
    return None


def invites_of(member: User, *, limit: int = 200) -> list[InviteCode]:
    """The member's codes, newest first, each with who used it; `state` says unused, used or expired."""
    now = timezone.now()
    codes = list(InviteCode.objects.filter(created_by=member).select_related("used_by")
                 .order_by("-created_at", "-pk")[:limit])
    for invite in codes:
        invite.state = "used" if invite.used_by_id or invite.used_at else (
            "expired" if invite.expires_at <= now else "unused")
    return codes


def invites_page(*, member: User, signup_url: str) -> dict:
    """The member's invite page: their codes (each with the signup link that fills it in), how many more
    they may make, and whether registration is by invite at all now."""
    codes = invites_of(member)
    for invite in codes:
        invite.signup_url = f"{signup_url}?{urlencode({'invite': invite.code})}"
    gate = site_settings()
    return {"codes": codes, "refusal": invite_refusal(member), "left": invites_left(member),
            "by_invite": gate.registration_mode == RegistrationMode.INVITE,
            "mode": gate.get_registration_mode_display(),
            "window_days": INVITE_WINDOW.days, "expiry_days": gate.invite_expiry_days}
