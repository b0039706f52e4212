"""What the site tells one member. A notice stores its kind of news (`verb`) and the facts (`params`); its
words are written when it is shown, in the reader's language (notices.kinds). `title` and `body` keep the
words in the site's language for the admin, and are shown as they are for notices without a verb."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices import kinds


class Notice(models.Model):
    class Kind(models.TextChoices):
        FRESHNESS = "freshness", _("Freshness reminder")
        GENERAL = "general", _("Notice")
        # what members hear about each other's posts (the notifications app sends these)
        REPLY = "reply", _("Replies to me")
        QUOTE = "quote", _("Quotes of my posts")
        MENTION = "mention", _("Mentions of me")
        WATCHED_TOPIC = "watched_topic", _("New posts in topics I watch")
        WATCHED_BOARD = "watched_board", _("New topics and posts in boards I watch")
        LIKE = "like", _("Likes of my posts")

    class Email(models.TextChoices):
        NOT_QUEUED = "", _("Not by email")
        PENDING = "pending", _("Waiting to be emailed")
        SENDING = "sending", _("Being emailed")
        SENT = "sent", _("Emailed")
        DIGEST = "digest", _("Left for the digest")

    # no index of its own: members_notice_recipient_idx (recipient, -created_at, -id) serves every lookup
    # by recipient, and a second one tempted the planner to sort a reader's whole history for one page
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notices", db_index=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.GENERAL)
    verb = models.CharField(_("what happened"), max_length=40, blank=True, default="")
    params = models.JSONField(_("details"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # who caused it (a reply's author, the last of the likers); the topic it is about, so that opening the
    # topic marks it read; how many events it stands for (a burst of posts, a day's likes)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("from"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    topic_key = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    count = models.PositiveIntegerField(_("how many"), default=1)
    # one notice per recipient and event, however often the fan-out runs (a retried task, two workers)
    dedupe_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    # email "immediately": due after a quiet spell, sent once (claimed before sending)
    email_state = models.CharField(_("email"), max_length=8, choices=Email.choices, blank=True, default="")
    email_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        db_table = "members_notice"  # the table it had when notices lived in the members app
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="notices_notice_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="members_notice_recipient_idx"),
            models.Index(fields=["recipient", "topic_key"], name="notices_unread_topic_idx",
                         condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["email_due_at", "id"], name="notices_email_due_idx",
                         condition=models.Q(email_state="pending")),
            models.Index(fields=["created_at"], name="notices_created_idx"),
        ]

    def __str__(self):
        return self.title

    def text(self) -> kinds.Text:
        """The notice's words in the active language."""
        return kinds.render(self.verb, {**self.params, "count": self.count},
                            fallback=kinds.Text(self.title, self.body))


class Preferences(models.Model):
    """How a member wants to hear about things: per kind of notice, by email at once, in a daily digest
    or never; the digest's hour (in the member's time zone); whether replying watches the topic."""

    class Choice(models.TextChoices):
        IMMEDIATELY = "immediately", _("Email me (when I'm away)")
        DIGEST = "digest", _("In the daily digest")
        NEVER = "never", _("Never by email")

    DEFAULTS = {
        Notice.Kind.REPLY: Choice.IMMEDIATELY, Notice.Kind.QUOTE: Choice.IMMEDIATELY,
        Notice.Kind.MENTION: Choice.IMMEDIATELY, Notice.Kind.WATCHED_TOPIC: Choice.DIGEST,
        Notice.Kind.WATCHED_BOARD: Choice.DIGEST, Notice.Kind.LIKE: Choice.NEVER,
    }

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    email = models.JSONField(_("email per kind"), default=dict, blank=True)
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=8,
                                                   help_text=_("In your time zone, 0-23."))
    watch_replied_topics = models.BooleanField(_("watch topics I reply to"), default=True)
    last_digest_on = models.DateField(null=True, blank=True, editable=False)
    digest_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"preferences of {self.member_id}"

    def email_choice(self, kind: str) -> str:
        return self.email.get(kind) or self.DEFAULTS.get(kind, self.Choice.NEVER)


class SentEmail(models.Model):
    """One row per email sent to a member (for the daily cap), pruned with the notices."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("email sent")
        verbose_name_plural = _("emails sent")
        indexes = [models.Index(fields=["member", "-sent_at"], name="notices_sentemail_member_idx")]

    def __str__(self):
        return f"{self.kind} to {self.member_id} at {self.sent_at:%Y-%m-%d %H:%M}"
