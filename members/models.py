import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.links import member_url


def timezone_choices():
    return [("", _("Site default"))] + [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Rank(models.Model):
    """A step on the ladder. Thresholds are over a rolling window of `window_days` (0: all time) except
    topics entered and posts read, which count for the member's whole life on the forum."""

    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), unique=True, help_text=_("0 is the first rank."))
    badge_colour = models.CharField(_("badge colour"), max_length=7, default="#6b7280",
                                    help_text=_("A CSS colour like #2563eb."))
    description = models.CharField(_("description"), max_length=300, blank=True)

    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=100,
                                                   help_text=_("0 counts all time."))
    min_days_visited = models.PositiveIntegerField(_("days visited"), default=0)
    min_posts = models.PositiveIntegerField(_("posts written"), default=0)
    min_topics_replied = models.PositiveIntegerField(_("distinct topics replied to"), default=0)
    min_topics_entered = models.PositiveIntegerField(_("topics entered (all time)"), default=0)
    min_posts_read = models.PositiveIntegerField(_("posts read (all time)"), default=0)
    min_likes_received = models.PositiveIntegerField(_("likes received"), default=0)
    min_distinct_likers = models.PositiveIntegerField(
        _("from at least this many members"), default=0,
        help_text=_("Likes received must come from this many different members, so friends cannot farm ranks."))
    min_likes_given = models.PositiveIntegerField(_("likes given"), default=0)
    min_featured = models.PositiveIntegerField(
        _("featured topics (精华, now)"), default=0,
        help_text=_("Topics of theirs a moderator has marked 精华 (featured), counted now, whatever the window."))
    max_upheld_reports = models.PositiveIntegerField(
        _("at most upheld reports against"), null=True, blank=True,
        help_text=_("Within the last six months. Empty: no limit."))
    requires_clean_record = models.BooleanField(_("no suspension in the last six months"), default=False)

    # what the rank allows, enforced on the server
    approval_posts = models.PositiveSmallIntegerField(
        _("first posts held for approval"), default=0,
        help_text=_("A member's posts wait for a moderator until this many have been approved."))
    max_links = models.PositiveSmallIntegerField(_("links per post"), null=True, blank=True,
                                                 help_text=_("Empty: no limit."))
    max_images = models.PositiveSmallIntegerField(_("images per post"), null=True, blank=True,
                                                  help_text=_("Empty: no limit."))
    posts_per_minute = models.PositiveSmallIntegerField(_("posts per minute"), default=10)
    report_weight = models.PositiveSmallIntegerField(_("report weight"), default=1)
    can_retitle_and_move = models.BooleanField(
        _("may retitle and move topics"), default=False, help_text=_("In the boards the member is active in."))
    grants_moderation = models.BooleanField(
        _("leads to board moderation"), default=False,
        help_text=_("Members of this rank are proposed as moderators of the board they care for."))
    invites_per_month = models.PositiveSmallIntegerField(
        _("invite codes per month"), default=0,
        help_text=_("Invite codes a member of this rank may make in any 30 days (for registration by invite). "
                    "0: none. Admins have no limit."))

    class Meta:
        ordering = ["order"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")

    def __str__(self):
        return self.name

    CRITERIA = [
        # (field, metric key, label)
        ("min_days_visited", "days_visited", _("days visited")),
        ("min_posts", "posts", _("posts written")),
        ("min_topics_replied", "topics_replied", _("distinct topics replied to")),
        ("min_topics_entered", "topics_entered", _("topics entered")),
        ("min_posts_read", "posts_read", _("posts read")),
        ("min_likes_received", "likes_received", _("likes received")),
        ("min_distinct_likers", "distinct_likers", _("different members who liked your posts")),
        ("min_likes_given", "likes_given", _("likes given")),
        ("min_featured", "featured_topics", _("featured topics (精华)")),
    ]


class JoinStatus(models.TextChoices):
    """Whether a moderator let the account in (registration by approval). Every account made while
    registration was not by approval is approved from the start."""

    APPROVED = "approved", _("Approved")
    WAITING = "waiting", _("Waiting for approval")
    REFUSED = "refused", _("Refused")


class User(AbstractUser):
    """A member. Counters are denormalized and changed only by the services that record them, inside the write."""

    email_verified = models.BooleanField(
        _("email verified"), default=False,
        help_text=_("Set when the member confirms an email address; posting needs it."),
    )
    is_global_moderator = models.BooleanField(
        _("global moderator"), default=False, help_text=_("Moderates every board."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    # the language the member last used the site in: emails and digests are written in it
    language = models.CharField(_("language"), max_length=16, blank=True, default="")
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    topic_count = models.PositiveIntegerField(_("topics"), default=0)
    unread_notice_count = models.PositiveIntegerField(_("unread notices"), default=0, editable=False)

    # activity, kept exactly by the services that record it
    days_visited = models.PositiveIntegerField(_("days visited"), default=0)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    topics_entered = models.PositiveIntegerField(_("topics entered"), default=0)
    posts_read = models.PositiveIntegerField(_("posts read"), default=0)
    likes_given = models.PositiveIntegerField(_("likes given"), default=0)
    likes_received = models.PositiveIntegerField(_("likes received"), default=0)
    replies_received = models.PositiveIntegerField(_("replies received"), default=0)
    approved_posts = models.PositiveIntegerField(_("posts approved"), default=0,
                                                 help_text=_("Held posts a moderator approved."))
    featured_topics = models.PositiveIntegerField(_("featured topics"), default=0,
                                                  help_text=_("Their topics a moderator marks 精华 (featured) now."))
    upheld_reports = models.PositiveIntegerField(_("upheld reports against"), default=0)
    last_upheld_report_at = models.DateTimeField(_("last upheld report"), null=True, blank=True)
    accurate_reports = models.PositiveIntegerField(_("reports filed that were upheld"), default=0)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    is_banned = models.BooleanField(_("banned"), default=False,
                                    help_text=_("Can read, but never post, like or report again until unbanned."))
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    join_status = models.CharField(
        _("joining"), max_length=8, choices=JoinStatus.choices, default=JoinStatus.APPROVED,
        help_text=_("Waiting or refused accounts can read, but not post, like or report."))
    last_suspended_at = models.DateTimeField(_("last suspended"), null=True, blank=True)

    # rank: recomputed nightly; rank_order mirrors rank.order so member lists sort on an index
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    rank_order = models.PositiveSmallIntegerField(default=0, editable=False)
    # set while the member moderates at least one board: spares a query on every page for everyone else
    is_board_moderator = models.BooleanField(default=False, editable=False)
    rank_locked = models.BooleanField(_("rank locked"), default=False,
                                      help_text=_("The nightly recompute leaves a locked rank alone."))
    rank_changed_at = models.DateTimeField(_("rank changed"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("last promoted"), null=True, blank=True)
    below_rank_since = models.DateField(_("below rank since"), null=True, blank=True, editable=False,
                                        help_text=_("When the member first fell below 90% of a threshold."))

    # what the member wants to hear about
    email_notices = models.BooleanField(
        _("email me notices"), default=True,
        help_text=_("Send the notices you get on the site to your email address as well."))
    freshness_reminders = models.BooleanField(
        _("daily freshness reminders (admins)"), default=True,
        help_text=_("Admins: a daily note when boards have gone quiet and need a seed topic."))
    board_freshness_reminders = models.BooleanField(
        _("freshness reminders for my boards (moderators)"), default=False,
        help_text=_("Board moderators: a daily note when a board you moderate has gone quiet."))

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # the members list's orders, over active members only, all descending down to the id: a page starts
        # where the one before stopped, `(rank_order, post_count, id) < (…)` taken as the index scan's start
        # (standing.selectors.member_page), however deep the page (one column ascending among descending ones
        # would leave only the first column to start from)
        indexes = [
            models.Index(fields=["-date_joined", "-id"], name="members_user_joined_idx",
                         condition=models.Q(is_active=True)),
            models.Index(fields=["-rank_order", "-post_count", "-id"], name="members_user_rank_idx",
                         condition=models.Q(is_active=True)),
            models.Index(fields=["-post_count", "-id"], name="members_user_posts_idx",
                         condition=models.Q(is_active=True)),
            # the few admins (the daily reminders' recipients, the staff lists), found without a scan of everyone
            models.Index(fields=["id"], name="members_user_admins_idx", condition=models.Q(is_superuser=True)),
        ]

    def __str__(self):
        return self.username

    def get_absolute_url(self):
        return member_url(self.username)


class MemberVisit(models.Model):
    """One row per member per day they visited: the rolling window of days visited counts these."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="visits")
    day = models.DateField()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="members_visit_once_a_day")]
        indexes = [models.Index(fields=["day"], name="members_visit_day_idx")]

    def __str__(self):
        return f"{self.member_id} {self.day}"


class RankChange(models.Model):
    """The member's rank history: promotions, drops, locks, and moderator appointments."""

    class Kind(models.TextChoices):
        PROMOTED = "promoted", _("Promoted")
        DROPPED = "dropped", _("Dropped")
        SET = "set", _("Set by an admin")
        LOCKED = "locked", _("Locked")
        UNLOCKED = "unlocked", _("Unlocked")
        MODERATOR_PROPOSED = "proposed", _("Proposed as moderator")
        MODERATOR_GRANTED = "granted", _("Made a moderator")
        MODERATOR_DECLINED = "declined", _("Moderator proposal declined")
        MODERATOR_REMOVED = "removed", _("Moderator role removed")

    member = models.ForeignKey(User, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="rank_changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_rank = models.ForeignKey(Rank, verbose_name=_("from"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    to_rank = models.ForeignKey(Rank, verbose_name=_("to"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    board = models.ForeignKey("boards.Board", verbose_name=_("board"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(User, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("rank change")
        verbose_name_plural = _("rank changes")
        indexes = [models.Index(fields=["member", "-created_at", "-id"], name="members_rankchange_member_idx")]

    def __str__(self):
        return f"{self.member_id} {self.kind}"


class PromotionProposal(models.Model):
    """A top-rank member proposed as moderator of the board they care for; admins decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    member = models.ForeignKey(User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="proposals")
    board = models.ForeignKey("boards.Board", verbose_name=_("board"), on_delete=models.CASCADE,
                              related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    numbers = models.JSONField(_("the numbers behind it"), default=dict)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    is_automatic = models.BooleanField(_("approved automatically"), default=False)

    class Meta:
        verbose_name = _("promotion proposal")
        verbose_name_plural = _("promotion proposals")
        constraints = [models.UniqueConstraint(fields=["member", "board"], condition=models.Q(status="pending"),
                                               name="members_proposal_one_pending")]
        indexes = [models.Index(fields=["status", "-created_at", "-id"], name="members_proposal_status_idx")]

    def __str__(self):
        return f"{self.member} → {self.board}"


class SignupRecord(models.Model):
    """Where an account was created from (forum.clientip's address): accounts made from one address within
    a day are shown together to moderators, and their reports on each other count once."""

    member = models.OneToOneField(User, verbose_name=_("member"), on_delete=models.CASCADE,
                                  related_name="signup_record")
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    # an address close to a banned member's: the member's posts wait for a moderator
    held_reason = models.CharField(_("held for review because"), max_length=300, blank=True)
    # what the signup form asked, as the moderator who approves the account reads it
    join_reason = models.TextField(_("why they want to join"), blank=True)
    join_reason_held_terms = models.CharField(_("word filter terms in the reason"), max_length=300, blank=True)
    question = models.CharField(_("signup question"), max_length=300, blank=True)
    answer = models.CharField(_("their answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signup record")
        verbose_name_plural = _("signup records")
        indexes = [models.Index(fields=["ip", "created_at"], name="members_signup_ip_idx")]

    def __str__(self):
        return f"{self.member_id} from {self.ip}"


class DisposableEmailDomain(models.Model):
    """A throwaway mail service: signups with an address there are refused. Shipped with a list
    (members/disposable_domains.txt); admins add and remove."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("disposable email domain")
        verbose_name_plural = _("disposable email domains")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class BlockedSignupCount(models.Model):
    """How many signups a day were answered like a success but created nothing (a bot filled the
    honeypot, or sent the form back too fast)."""

    day = models.DateField(_("day"), unique=True)
    count = models.PositiveIntegerField(_("blocked signups"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("blocked signups")
        verbose_name_plural = _("blocked signups")

    def __str__(self):
        return f"{self.day}: {self.count}"


class RegistrationMode(models.TextChoices):
    OPEN = "open", _("Open: anyone may sign up")
    INVITE = "invite", _("Invite only: signing up takes a member's invite code")
    APPROVAL = "approval", _("Approval: a moderator lets each new account in")
    CLOSED = "closed", _("Closed: nobody may sign up")


class SiteSettings(models.Model):
    """One row (pk 1), edited in the admin: how people join (加入门槛)."""

    registration_mode = models.CharField(_("registration"), max_length=8, choices=RegistrationMode.choices,
                                         default=RegistrationMode.OPEN)
    invite_expiry_days = models.PositiveSmallIntegerField(
        _("invite codes expire after (days)"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    ask_question = models.BooleanField(
        _("ask a signup question"), default=False,
        help_text=_("Each signup answers one of the active signup questions, picked at random."))

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        super().save(*args, **kwargs)


class SignupQuestion(models.Model):
    """A question signups answer (for example about the community's subject), with the answers accepted."""

    question = models.CharField(_("question"), max_length=300)
    answers = models.TextField(
        _("accepted answers"),
        help_text=_("One a line. Compared ignoring case, spaces around, and full-width or half-width forms "
                    "(ＡＢＣ is abc)."))
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("signup question")
        verbose_name_plural = _("signup questions")

    def __str__(self):
        return self.question

    def accepted_answers(self) -> list[str]:
        return [line.strip() for line in self.answers.splitlines() if line.strip()]


class InviteCode(models.Model):
    """A code a member made for someone to sign up with while registration is by invite: used once,
    before it expires."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    created_by = models.ForeignKey(User, verbose_name=_("made by"), on_delete=models.CASCADE,
                                   related_name="invite_codes")
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_by = models.OneToOneField(User, verbose_name=_("used by"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="invited_with")
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("invite code")
        verbose_name_plural = _("invite codes")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="members_invite_maker_idx")]

    def __str__(self):
        return f"{self.code[:6]}… by {self.created_by_id}"
