"""What each figure counts, in one place (the page's help text and the README say the same).

- An account **removed as spam** is, for now, a banned one (`is_banned`). A later "delete spammer" feature
  plugs in here: `spam_q` is the only definition the figures use.
- **Staff** are admins, global moderators and anyone who may open the admin: the same people the staff MFA
  rule covers. They are left out of member figures unless the page's "include staff" toggle is on.
- A **counted post** is visible: not hidden, not deleted, not waiting for approval, in a topic that is not
  hidden, written by an account not removed as spam.
- Days are calendar days in the site's zone (settings.TIME_ZONE).
"""
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

UNANSWERED_HOURS = 48  # topics younger than this are never unanswered
UNVERIFIED_GRACE_DAYS = 7  # an unverified account stops counting as a signup after this many days
STALE_CASE_HOURS = 48
PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
WINDOWS = (7, 30, 90, 365)  # the distinct-member windows each daily row carries
MAU_DAYS = 30
RETENTION_WINDOWS = ((1, 7), (8, 30), (31, 90))
REROLL_DAYS = 8  # the nightly task recomputes this many past days (late verifications, bans, hides)
BACKFILL_DAYS = 400  # the first rollup goes back this far


def spam_q(prefix: str = "") -> Q:
    """Accounts removed as spam: banned ones, until the forum has a "delete spammer" action."""
    return Q(**{f"{prefix}is_banned": True})


def staff_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_superuser": True}) | Q(**{f"{prefix}is_global_moderator": True}) | Q(
        **{f"{prefix}is_staff": True})


def counted_posts_q(prefix: str = "") -> Q:
    """A visible post by an account not removed as spam. `prefix` leads to the post ("" on Post)."""
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}deleted_at__isnull": True,
                f"{prefix}is_awaiting_approval": False, f"{prefix}topic__is_hidden": False}) & ~spam_q(
        f"{prefix}author__")


# the same rules in SQL, for the set-based INSERT ... SELECT statements of stats.rollup
STAFF_SQL = "(u.is_superuser OR u.is_global_moderator OR u.is_staff)"
SPAM_SQL = "u.is_banned"
COUNTED_POST_SQL = "(p.is_hidden = %s AND p.deleted_at IS NULL AND p.is_awaiting_approval = %s AND t.is_hidden = %s)"


def zone():
    return timezone.get_default_timezone()


def today() -> date:
    return timezone.localdate(timezone.now(), zone())


def day_start(day: date) -> datetime:
    """The first moment of `day` in the site's zone."""
    return timezone.make_aware(datetime.combine(day, time.min), zone())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return day_start(day), day_start(day + timedelta(days=1))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
