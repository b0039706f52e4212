"""Telling people from bots at signup, offline: a honeypot field people never see, and a signed,
time-stamped token in the form (a person takes more than SIGNUP_MIN_SECONDS to fill it in). A bot is
answered like a success but nothing is created (members.services.signup_blocked_count)."""
import secrets
import time

from django.conf import settings
from django.core import signing

TOKEN_SALT = "hearth.signup"  # noqa: S105 - a salt, not a secret
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "signup_token"  # noqa: S105 - a field name
TOKEN_MAX_AGE = 24 * 3600  # a form left open longer is treated like a bot's: it is answered the same way


def make_token() -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(secrets.token_urlsafe(8))


def token_age(token: str) -> float | None:
    """Seconds since the form was rendered, or None for a token that is missing, forged or too old."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        signer.unsign(token or "", max_age=TOKEN_MAX_AGE)
        stamp = token.rsplit(signer.sep, 2)[1]
    except (signing.BadSignature, ValueError):
        return None
    return time.time() - signing.b62_decode(stamp)


def looks_like_a_bot(data) -> bool:
    if (data.get(HONEYPOT_FIELD) or "").strip():
        return True
    age = token_age(data.get(TOKEN_FIELD) or "")
    return age is None or age < settings.HEARTH["SIGNUP_MIN_SECONDS"]


def email_domain(email: str) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
