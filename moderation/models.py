"""Reports, the cases they gather into, and the append-only log of every moderator action."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam")
    ABUSE = "abuse", _("Abuse or harassment")
    OFF_TOPIC = "off_topic", _("Off-topic")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other")
    APPROVAL = "approval", _("New member's post to approve")
    SIGNUP = "signup", _("New account to approve")


class Case(models.Model):
    """Everything that needs a moderator about one target: a post, a topic or a member. Reports on the
    same target gather here while it is open; a newcomer's held post is a case too, and so is an account
    waiting to be let in (registration by approval: kind "signup", no board, so global moderators and
    admins decide)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        TOPIC = "topic", _("Topic")
        MEMBER = "member", _("Member")
        SIGNUP = "signup", _("New account")

    kind = models.CharField(_("target"), max_length=8, choices=Kind.choices)
    post = models.ForeignKey("boards.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="cases")
    topic = models.ForeignKey("boards.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="cases")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member concerned"), on_delete=models.CASCADE,
                               related_name="cases_against")
    board = models.ForeignKey("boards.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="cases",
                              help_text=_("Empty for reports on a member: only global moderators see those."))
    is_approval = models.BooleanField(_("waiting for approval"), default=False)
    held_because = models.CharField(_("held because"), max_length=300, blank=True, default="",
                                    help_text=_("When the word filter held the post: the terms that matched."))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_cases")
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    weight = models.PositiveIntegerField(_("weight"), default=0,
                                         help_text=_("Sum of the reporters' rank weights; the queue's first order."))
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(_("outcome"), max_length=300, blank=True)
    upheld = models.BooleanField(_("upheld"), default=False)
    reminded_moderators_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_admins_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=~models.Q(state="resolved"),
                                    name="moderation_case_one_open_per_post"),
            models.UniqueConstraint(fields=["topic"], condition=models.Q(post__isnull=True) & ~models.Q(
                state="resolved"), name="moderation_case_one_open_per_topic"),
            models.UniqueConstraint(fields=["member"], condition=models.Q(kind="member") & ~models.Q(
                state="resolved"), name="moderation_case_one_open_per_member"),
            models.UniqueConstraint(fields=["member"], condition=models.Q(kind="signup") & ~models.Q(
                state="resolved"), name="moderation_case_one_open_signup"),
        ]
        indexes = [
            # the queue: open cases by weight, then age
            models.Index(fields=["-weight", "created_at", "id"], name="moderation_case_queue_idx",
                         condition=~models.Q(state="resolved")),
            models.Index(fields=["board", "state"], name="moderation_case_board_idx"),
        ]

    def __str__(self):
        return f"case {self.pk} ({self.kind})"


class Report(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.CASCADE,
                                 related_name="reports_filed")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    # False: the reporter signed up from the address of the author or of an earlier reporter: such a
    # group of accounts counts once (no weight, no report count, no part in an automatic hide)
    counted = models.BooleanField(_("counted"), default=True)
    reporter_rank_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["case", "reporter"], name="moderation_report_once_per_case")]
        indexes = [models.Index(fields=["reporter", "-created_at"], name="moderation_report_reporter_idx")]

    def __str__(self):
        return f"{self.reporter_id}: {self.reason}"


class CaseNote(models.Model):
    """An internal note: moderators only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return self.text[:50]


class ModerationAction(models.Model):
    """The log: one row per moderator or admin action, never changed or deleted."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", _("Dismissed")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        HIDE = "hide", _("Hid post")
        UNHIDE = "unhide", _("Unhid post")
        DELETE = "delete", _("Deleted post")
        RESTORE = "restore", _("Restored post")
        EDIT = "edit", _("Edited post")
        LOCK = "lock", _("Locked topic")
        UNLOCK = "unlock", _("Unlocked topic")
        PIN = "pin", _("Pinned topic")
        UNPIN = "unpin", _("Unpinned topic")
        FEATURE = "feature", _("Featured topic (精华)")
        UNFEATURE = "unfeature", _("Unfeatured topic")
        EXPIRE = "expire", _("Pin or feature expired")
        HIDE_TOPIC = "hide_topic", _("Hid topic")
        UNHIDE_TOPIC = "unhide_topic", _("Unhid topic")
        MOVE = "move", _("Moved or retitled topic")
        MOVE_ALL = "move_all", _("Moved all topics of a board")
        WARN = "warn", _("Warned member")
        SUSPEND = "suspend", _("Suspended member")
        BAN = "ban", _("Banned member")
        UNBAN = "unban", _("Lifted ban or suspension")
        CLAIM = "claim", _("Claimed case")
        NOTE = "note", _("Added internal note")
        AUTO_HIDE = "auto_hide", _("Hid post automatically")
        APPOINT = "appoint", _("Appointed moderator")
        REMOVE_MODERATOR = "remove_moderator", _("Removed moderator")
        SET_STANDING = "set_standing", _("Changed a member's powers or standing")
        DELETE_SPAMMER = "delete_spammer", _("Deleted a spammer")
        UNDO_SPAMMER = "undo_spammer", _("Undid deleting a spammer")
        APPROVE_MEMBER = "approve_member", _("Let a new account in")
        REFUSE_MEMBER = "refuse_member", _("Refused a new account")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="moderation_actions",
                              help_text=_("Empty: the system, acting on a rule."))
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    board = models.ForeignKey("boards.Board", verbose_name=_("board"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    post = models.ForeignKey("boards.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.ForeignKey("boards.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member concerned"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    rule = models.CharField(_("rule applied"), max_length=300, blank=True)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="moderation_log_idx"),
            models.Index(fields=["board", "-created_at", "-id"], name="moderation_log_board_idx"),
            models.Index(fields=["member", "-created_at"], name="moderation_log_member_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The moderation log is append-only.")


class SpammerRemoval(models.Model):
    """One "delete spammer": what it took off the forum, so that it can be undone for a few days."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="spammer_removals")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                              related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    removed = models.JSONField(_("what was removed"), default=dict)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    topic_count = models.PositiveIntegerField(_("topics"), default=0)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("spammer removal")
        verbose_name_plural = _("spammer removals")
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_spammer_idx")]

    def __str__(self):
        return f"{self.member_id} by {self.actor_id}"
