"""Boards, topics and posts.

Counters (topic/post counts, last post, post positions) are denormalized and changed only in
boards.services, inside the write's transaction.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.querysets import BoardQuerySet, PostQuerySet, TopicQuerySet
from forum import links


class Board(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("focus"), help_text=_("What this board is for, in a sentence or two."))
    rules = models.TextField(_("rules"), blank=True, help_text=_("Markdown. Shown at the top of the board."))
    rules_html = models.TextField(editable=False, blank=True, default="")
    position = models.PositiveIntegerField(_("position"), default=0)
    is_archived = models.BooleanField(_("archived"), default=False,
                                      help_text=_("Archived boards can be read but take no new posts."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    topic_count = models.PositiveIntegerField(_("topics"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    last_post = models.ForeignKey("Post", verbose_name=_("last post"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", editable=False)
    # Bumped by every write that changes what the board's topic list shows: keys its cached fragments.
    version = models.PositiveIntegerField(default=0, editable=False)

    # Freshness: when this board counts as quiet (empty: the site's defaults), and reminders snoozed.
    quiet_topic_days = models.PositiveSmallIntegerField(
        _("quiet after days without a new topic"), null=True, blank=True,
        help_text=_("Leave empty for the site default."))
    quiet_post_days = models.PositiveSmallIntegerField(
        _("quiet after days without a post"), null=True, blank=True,
        help_text=_("Leave empty for the site default."))
    reminders_snoozed_until = models.DateField(_("reminders snoozed until"), null=True, blank=True)

    # Boards by rank: the lowest rank that reads the board, starts topics in it, replies in it (empty: no
    # limit; visitors have no rank). Its moderators, global moderators and admins always pass. The rule is
    # boards.permissions (can_see_board, visible_boards_q, board_rank_refusal). PROTECT: deleting a rank
    # must not open a board to everyone.
    view_rank = models.ForeignKey(
        "members.Rank", verbose_name=_("rank to read"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Below this rank the board is not listed and its pages do not exist. Empty: everyone, "
                    "visitors included."))
    start_rank = models.ForeignKey(
        "members.Rank", verbose_name=_("rank to start topics"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Empty: every member who may read the board."))
    reply_rank = models.ForeignKey(
        "members.Rank", verbose_name=_("rank to reply"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Empty: every member who may read the board."))
    refusal_message = models.CharField(
        _("message for members below the rank"), max_length=300, blank=True,
        help_text=_("Shown to a member below the rank who tries to start a topic or reply. Empty: a standard "
                    "message that names the rank."))

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        indexes = [models.Index(fields=["position", "id"], name="boards_board_position_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.board_url(self.slug)


class Topic(models.Model):
    class PinScope(models.TextChoices):
        BOARD = "board", _("This board")
        FORUM = "forum", _("The whole forum")

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="topics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="topics")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, allow_unicode=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    pinned_until = models.DateTimeField(_("pinned until"), null=True, blank=True,
                                        help_text=_("Empty: pinned until a moderator unpins it."))
    # 全局置顶: a forum-wide pin (admins only) shows at the top of every board's list
    pin_scope = models.CharField(_("pinned where"), max_length=8, choices=PinScope.choices,
                                 default=PinScope.BOARD, editable=False)
    # 精华: 0 is not featured, 1–3 the level a moderator gave it
    featured_level = models.PositiveSmallIntegerField(_("featured level"), default=0, editable=False)
    featured_at = models.DateTimeField(_("featured"), null=True, blank=True, editable=False)
    featured_until = models.DateTimeField(_("featured until"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), db_index=False)
    last_post_at = models.DateTimeField(_("last activity"))

    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    first_post = models.ForeignKey("Post", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    last_post = models.ForeignKey("Post", verbose_name=_("last post"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", editable=False)
    # Bumped by every write that changes what the topic's pages show: keys its cached fragments.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            # the board page: pinned first, then by last activity
            models.Index(fields=["board", "-is_pinned", "-last_post_at", "-id"], name="boards_topic_board_list_idx",
                         condition=models.Q(is_hidden=False)),
            models.Index(fields=["author", "-created_at"], name="boards_topic_author_idx"),
            # the forum-wide pins shown above every board's list, latest activity first
            models.Index(fields=["-last_post_at", "-id"], name="boards_topic_forum_pin_idx",
                         condition=models.Q(is_pinned=True, pin_scope="forum", is_hidden=False)),
            # the newest topics: the feeds (forum-wide and per board) and the freshness check's last topic
            models.Index(fields=["-created_at", "-id"], name="boards_topic_newest_idx",
                         condition=models.Q(is_hidden=False)),
            models.Index(fields=["board", "-created_at", "-id"], name="boards_topic_board_newest_idx",
                         condition=models.Q(is_hidden=False)),
            # the freshness reminder's suggestions for a quiet board: its most replied topics, and its newest
            # topics nobody answered
            models.Index(fields=["board", "-post_count", "-id"], name="boards_topic_board_popular_idx",
                         condition=models.Q(is_hidden=False)),
            models.Index(fields=["board", "-created_at", "-id"], name="boards_topic_unanswered_idx",
                         condition=models.Q(is_hidden=False, post_count=1)),
            # the 精华 lists: forum-wide and per board, newest featured first
            models.Index(fields=["-featured_at", "-id"], name="boards_topic_featured_idx",
                         condition=models.Q(is_hidden=False, featured_level__gt=0)),
            models.Index(fields=["board", "-featured_at", "-id"], name="boards_topic_board_feat_idx",
                         condition=models.Q(is_hidden=False, featured_level__gt=0)),
            # what the expiry task looks for
            models.Index(fields=["featured_until"], name="boards_topic_feat_until_idx",
                         condition=models.Q(featured_until__isnull=False)),
            models.Index(fields=["pinned_until"], name="boards_topic_pin_until_idx",
                         condition=models.Q(pinned_until__isnull=False)),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return links.topic_url(self.pk, self.slug)

    @property
    def is_featured(self) -> bool:
        return self.featured_level > 0

    @property
    def is_pinned_forum_wide(self) -> bool:
        return self.is_pinned and self.pin_scope == self.PinScope.FORUM


class Post(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="posts")
    # 1-based place in the topic, fixed at creation: pages are ranges of positions, never OFFSETs.
    position = models.PositiveIntegerField(_("position"), editable=False)
    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    reply_to = models.ForeignKey("self", verbose_name=_("in reply to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="replies")
    created_at = models.DateTimeField(_("created"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edit_count = models.PositiveIntegerField(_("edits"), default=0)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True, default="")
    is_awaiting_approval = models.BooleanField(_("awaiting approval"), default=False,
                                               help_text=_("A newcomer's post that waits for a moderator."))
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True,
                                      help_text=_("Deleted by a moderator; admins can restore it."))
    # A moderator's edit stands: from then on only moderators edit the post (its author may report it).
    moderator_edited_at = models.DateTimeField(_("edited by a moderator"), null=True, blank=True)
    # A moderator looked at reports against the post and kept it: those reporters cannot hide it again.
    cleared_at = models.DateTimeField(_("cleared by a moderator"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["topic", "position"], name="boards_post_topic_position_uniq"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at", "-id"], name="boards_post_author_idx"),
            # posts by time: a day's posts (the stats rollup, /stats/ today), the newest post of a board at a
            # moment (the freshness check, walked backwards from that moment), a window's posts per member
            # (the rank recompute), the visible posts of the focus advice's 90 days per board. It carries what
            # those read, so they are index-only scans: a window of
            # half a million posts is read from the index's 60 MB, not from the posts' 1 GB.
            models.Index(fields=["created_at"], name="boards_post_created_idx",
                         include=["id", "author", "topic", "position", "is_hidden", "is_awaiting_approval",
                                  "deleted_at"]),
            # the few posts waiting for approval: lists of topics leave out the held ones with an anti-join
            # against this small index instead of looking up every topic's first post
            models.Index(fields=["id"], name="boards_post_held_idx", condition=models.Q(is_awaiting_approval=True)),
        ]

    def __str__(self):
        return f"#{self.pk} in {self.topic_id}"

    def get_absolute_url(self):
        return links.post_url(self.pk)


class PostRevision(models.Model):
    """The body a post had before an edit. Shown to moderators."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("body"))
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("edited by"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("edited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        indexes = [models.Index(fields=["post", "-created_at"], name="boards_revision_post_idx")]

    def __str__(self):
        return f"revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class BoardModerator(models.Model):
    """A member appointed to moderate one board."""

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="moderators")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="board_moderations")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    is_automatic = models.BooleanField(_("automatic"), default=False)

    class Meta:
        verbose_name = _("board moderator")
        verbose_name_plural = _("board moderators")
        constraints = [models.UniqueConstraint(fields=["board", "member"], name="boards_boardmoderator_uniq")]

    def __str__(self):
        return f"{self.member} @ {self.board}"

    def save(self, *args, **kwargs):
        # keep the member's is_board_moderator flag true: every path that appoints (the admin included)
        # saves a row, and the flag spares all other members a query per page
        super().save(*args, **kwargs)
        type(self.member).objects.filter(pk=self.member_id).update(is_board_moderator=True)
        self.member.is_board_moderator = True
        self.member.__dict__.pop("_hearth_moderated_board_ids", None)  # boards.permissions' cached answer is stale


class ScheduledTopic(models.Model):
    """A seed topic written ahead; the publisher task posts it at `publish_at`, exactly once."""

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="scheduled_topics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE,
                               related_name="scheduled_topics")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("body"))
    publish_at = models.DateTimeField(_("publish at"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_topic = models.OneToOneField(Topic, verbose_name=_("published as"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last changed by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("scheduled topic")
        verbose_name_plural = _("scheduled topics")
        indexes = [
            # the publisher's query: pending ones, soonest first
            models.Index(fields=["publish_at", "id"], name="boards_scheduled_due_idx",
                         condition=models.Q(published_at__isnull=True)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FreshnessReminder(models.Model):
    """One reminder to one recipient on one day: the unique constraint is what makes it exactly once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="freshness_reminders_received")
    day = models.DateField(_("day"))
    boards = models.ManyToManyField(Board, verbose_name=_("quiet boards"), related_name="+")
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("freshness reminder")
        verbose_name_plural = _("freshness reminders")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="boards_freshness_once_a_day")]
        indexes = [models.Index(fields=["-day", "-id"], name="boards_freshness_day_idx")]

    def __str__(self):
        return f"{self.recipient} {self.day}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="likes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="likes")
    created_at = models.DateTimeField(_("liked"), auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="boards_like_once")]
        indexes = [models.Index(fields=["member", "-created_at"], name="boards_like_member_idx")]

    def __str__(self):
        return f"{self.member_id} likes {self.post_id}"


class TopicRead(models.Model):
    """How far a member has read a topic: drives unread markers and the read counters."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_reads")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("read position")
        verbose_name_plural = _("read positions")
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="boards_topicread_uniq")]

    def __str__(self):
        return f"{self.member_id} read {self.topic_id} to {self.last_position}"


class AllowedLinkDomain(models.Model):
    """An outside domain newcomers may link to as often as they like (the site's own always is)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("allowed link domain")
        verbose_name_plural = _("allowed link domains")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)
