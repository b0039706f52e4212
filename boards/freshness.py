"""Keeping the forum fresh: which boards went quiet, and the daily reminder that tells admins
(and the board moderators who opt in) to seed them.

Exactly once: a reminder is a row unique on (recipient, day). Whoever inserts it first writes the site
notice in the same transaction and queues the email; everyone else (a second beat, a second worker, a
retry) finds the row and stops. The email is claimed before it is sent, so it goes out once as well.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.emails import claim_reminder_email, reminder_title
from boards.models import Board, BoardModerator, FreshnessReminder, Post, ScheduledTopic, Topic
from forum import links
from forum.lazy import enqueue
from members.models import User
from notices.services import notice_create

__all__ = ["claim_reminder_email", "reminder_title"]  # re-exported: they belong to the reminder's email

logger = logging.getLogger(__name__)


@dataclass
class BoardFreshness:
    board: Board
    topic_days: int  # threshold in force
    post_days: int
    days_since_topic: int
    days_since_post: int
    snoozed: bool

    @property
    def is_quiet(self) -> bool:
        if self.board.is_archived or self.snoozed:
            return False
        return self.days_since_topic >= self.topic_days or self.days_since_post >= self.post_days


@dataclass
class ReminderPlan:
    recipient: User
    day: date
    boards: list[dict]
    quiet_board_ids: list[int]
    newcomers: list[dict] = field(default_factory=list)
    launch_phase: bool = False
    created: bool | None = None  # after sending: False when this recipient had today's reminder already

    def as_report(self) -> dict:
        return {"boards": self.boards, "newcomers": self.newcomers, "launch_phase": self.launch_phase}


def as_of(day: date) -> datetime:
    """The moment a day's check looks from: the configured hour of that day, in the site's zone."""
    zone = timezone.get_default_timezone()
    return timezone.make_aware(datetime.combine(day, time(settings.HEARTH["FRESHNESS_HOUR"])), zone)


def today() -> date:
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def in_launch_phase() -> bool:
    """Fewer active members than LAUNCH_MEMBERS: counted up to that many, not over the whole table."""
    limit = settings.HEARTH["LAUNCH_MEMBERS"]
    return User.objects.filter(is_active=True).values("pk")[:limit].count() < limit


def _days(since: datetime, moment: datetime) -> int:
    return max(0, (moment - since) // timedelta(days=1))


# How far back the newest post of each board is first looked for (walking the posts' time index backwards
# from the moment checked): a board with no post in that time is quiet under any sensible threshold, and is
# looked up once more, over its own posts only.
LOOKBACK = timedelta(days=31)


def _newest_posts(moment: datetime, *, after: datetime | None = None):
    """The newest counted post (of the board OuterRef("pk")) at `moment`: its time, or None. Hidden topics
    and posts, and posts still waiting for approval, do not make a board fresh."""
    posts = Post.objects.filter(topic__board=OuterRef("pk"), topic__is_hidden=False, is_hidden=False,
                                is_awaiting_approval=False, created_at__lte=moment)
    if after is not None:
        posts = posts.filter(created_at__gt=after)
    return Subquery(posts.order_by("-created_at").values("created_at")[:1])


def board_freshness(day: date, *, launch: bool | None = None) -> list[BoardFreshness]:
    """Every board that is not archived, with its ages and thresholds on `day`. One query (two when a board
    had no post in the month before): each board's newest visible topic and post at the moment checked are
    read from the newest end of the topics' and posts' time indexes, whatever the forum's size."""
    moment = as_of(day)
    launch = in_launch_phase() if launch is None else launch
    hearth = settings.HEARTH
    default_topic = hearth["LAUNCH_QUIET_TOPIC_DAYS"] if launch else hearth["QUIET_TOPIC_DAYS"]
    default_post = hearth["LAUNCH_QUIET_POST_DAYS"] if launch else hearth["QUIET_POST_DAYS"]
    newest_topic = (Topic.objects.filter(board=OuterRef("pk"), is_hidden=False, created_at__lte=moment)
                    .order_by("-created_at", "-id").values("created_at")[:1])
    boards = list(Board.objects.filter(is_archived=False).order_by("position", "id").annotate(
        newest_topic_at=Subquery(newest_topic), newest_post_at=_newest_posts(moment, after=moment - LOOKBACK)))
    # a counted post lies in a visible topic made before it: a board without one at the moment has no post
    older = [b.pk for b in boards if b.newest_post_at is None and b.newest_topic_at is not None]
    if older:
        earlier = dict(Board.objects.filter(pk__in=older).annotate(at=_newest_posts(moment - LOOKBACK))
                       .values_list("pk", "at"))
        for board in boards:
            board.newest_post_at = board.newest_post_at or earlier.get(board.pk)
    result = []
    for board in boards:
        topic_days = board.quiet_topic_days or default_topic
        post_days = board.quiet_post_days or default_post
        if launch:  # the launch phase is stricter, never looser, than a board's own setting
            topic_days, post_days = min(topic_days, default_topic), min(post_days, default_post)
        # a board that never had a topic (or post) counts from the day it was made
        since_topic = board.newest_topic_at or min(board.created_at, moment)
        since_post = board.newest_post_at or min(board.created_at, moment)
        result.append(BoardFreshness(
            board=board, topic_days=topic_days, post_days=post_days,
            days_since_topic=_days(since_topic, moment), days_since_post=_days(since_post, moment),
            snoozed=bool(board.reminders_snoozed_until and board.reminders_snoozed_until >= day),
        ))
    return result


def _board_section(item: BoardFreshness) -> dict:
    board = item.board
    unanswered = list(Topic.objects.filter(board=board, is_hidden=False, post_count=1)
                      .order_by("-created_at", "-id").values("id", "slug", "title", "created_at")[:5])
    popular = list(Topic.objects.filter(board=board, is_hidden=False, post_count__gt=1)
                   .order_by("-post_count", "-id").values("id", "slug", "title", "post_count")[:3])
    drafts = list(ScheduledTopic.objects.filter(board=board, published_at__isnull=True, last_error="")
                  .order_by("publish_at", "id").values("title", "publish_at")[:5])
    site = settings.HEARTH["SITE_URL"]
    zone = timezone.get_default_timezone()
    return {
        "id": board.pk,
        "name": board.name,
        "url": site + links.board_url(board.slug),
        "focus": board.description,
        "days_since_topic": item.days_since_topic,
        "days_since_post": item.days_since_post,
        "topic_days": item.topic_days,
        "post_days": item.post_days,
        "unanswered": [{"title": t["title"], "url": site + links.topic_url(t["id"], t["slug"]),
                        "created": t["created_at"].isoformat()} for t in unanswered],
        "popular": [{"title": t["title"], "url": site + links.topic_url(t["id"], t["slug"]),
                     "posts": t["post_count"]} for t in popular],
        "drafts": [{"title": d["title"],
                    "publish_at": timezone.localtime(d["publish_at"], zone).strftime("%Y-%m-%d %H:%M")}
                   for d in drafts],
    }


def plan_reminders(day: date) -> list[ReminderPlan]:
    """Who gets a reminder on `day`, and what it says. Nothing quiet: nobody."""
    launch = in_launch_phase()
    quiet = [item for item in board_freshness(day, launch=launch) if item.is_quiet]
    if not quiet:
        return []
    sections = {item.board.pk: _board_section(item) for item in quiet}
    plans: dict[int, ReminderPlan] = {}

    admins = User.objects.filter(is_superuser=True, is_active=True, freshness_reminders=True).order_by("id")
    newcomers = []
    if launch:
        newcomers = [
            {"username": u.username, "url": settings.HEARTH["SITE_URL"] + links.member_url(u.username),
             "joined": u.date_joined.isoformat()}
            for u in User.objects.filter(is_active=True, post_count=0, is_superuser=False)
            .order_by("-date_joined", "-id")[:20]
        ]
    for admin in admins:
        plans[admin.pk] = ReminderPlan(recipient=admin, day=day, boards=list(sections.values()),
                                       quiet_board_ids=list(sections), newcomers=newcomers, launch_phase=launch)

    appointments = (BoardModerator.objects.filter(board_id__in=sections, member__is_active=True,
                                                  member__board_freshness_reminders=True)
                    .exclude(member_id__in=plans).select_related("member").order_by("member_id", "board__position"))
    for appointment in appointments:
        plan = plans.get(appointment.member_id)
        if plan is None:
            plan = plans[appointment.member_id] = ReminderPlan(recipient=appointment.member, day=day, boards=[],
                                                               quiet_board_ids=[], launch_phase=launch)
        plan.boards.append(sections[appointment.board_id])
        plan.quiet_board_ids.append(appointment.board_id)
    return list(plans.values())


def record_reminder(plan: ReminderPlan) -> tuple[FreshnessReminder, bool]:
    """Store the reminder and its site notice, once. Returns (reminder, created)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = FreshnessReminder.objects.create(recipient=plan.recipient, day=plan.day,
                                                            report=plan.as_report())
        except IntegrityError:
            return FreshnessReminder.objects.get(recipient=plan.recipient, day=plan.day), False
        reminder.boards.set(plan.quiet_board_ids)
        notice_create(recipient=plan.recipient, kind="freshness", verb="freshness",
                      params={"boards": [{key: b[key] for key in ("name", "days_since_topic", "days_since_post")}
                                         for b in plan.boards]},
                      url=settings.HEARTH["SITE_URL"] + "/freshness/"
                      if plan.recipient.is_superuser else plan.boards[0]["url"])
        _queue_email(reminder.pk)
    logger.info("freshness reminder recorded", extra={"reminder_id": reminder.pk, "recipient": plan.recipient.pk})
    return reminder, True


def board_line(board: dict) -> str:
    return _("%(name)s: %(topic_days)d days since the last topic, %(post_days)d since the last post") % {
        "name": board["name"], "topic_days": board["days_since_topic"], "post_days": board["days_since_post"]}


def send_freshness_reminders(day: date | None = None, *, dry_run: bool = False) -> list[ReminderPlan]:
    """The daily job. Returns the plans; with dry_run nothing is stored or sent."""
    day = day or today()
    plans = plan_reminders(day)
    if dry_run:
        return plans
    queued = set()
    for plan in plans:
        reminder, plan.created = record_reminder(plan)
        if plan.created:
            queued.add(reminder.pk)
    # Emails that could not be queued or sent before (Redis or the mail server was down) go out now;
    # the claim in send_reminder_email makes a second queueing harmless.
    stale = timezone.now() - timedelta(minutes=10)
    unsent = (FreshnessReminder.objects.filter(day__gte=day - timedelta(days=RESEND_DAYS), day__lte=day,
                                               emailed_at__isnull=True)
              .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))
              .exclude(pk__in=queued).values_list("pk", flat=True))
    for reminder_id in unsent:
        _queue_email(reminder_id)
    return plans


RESEND_DAYS = 3  # reminders whose email could not go out are retried by the next days' checks


def _queue_email(reminder_id: int) -> None:
    """Queue the email once the reminder is committed. If the broker is down, the reminder stays
    unsent and a later run of the daily check (the same day or up to RESEND_DAYS later) queues it again."""
    transaction.on_commit(lambda: enqueue("boards.tasks.send_reminder_email", kwargs={"reminder_id": reminder_id}),
                          robust=True)


def snooze_board(*, board: Board, days: int, by: User) -> Board:
    until = today() + timedelta(days=days) if days > 0 else None
    Board.objects.filter(pk=board.pk).update(reminders_snoozed_until=until)
    board.reminders_snoozed_until = until
    logger.info("board reminders snoozed", extra={"board_id": board.pk, "days": days, "by": by.pk})
    return board


def recent_reminders(limit: int = 50):
    return (FreshnessReminder.objects.select_related("recipient").prefetch_related("boards")
            .order_by("-day", "-id")[:limit])
