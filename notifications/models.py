"""What members follow and whom they mute. The notices these lead to are notices.Notice rows."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicWatch(models.Model):
    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching: every new post")
        NORMAL = "normal", _("Normal: only replies to me, quotes and mentions")
        MUTED = "muted", _("Muted: nothing from this topic")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_watches")
    topic = models.ForeignKey("boards.Topic", on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched topic")
        verbose_name_plural = _("watched topics")
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="notifications_topicwatch_once")]
        indexes = [models.Index(fields=["topic", "level", "member"], name="notifications_topicwatch_idx")]

    def __str__(self):
        return f"{self.member_id} {self.level} {self.topic_id}"


class BoardWatch(models.Model):
    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching: every new post")
        NEW_TOPICS = "new_topics", _("New topics only")
        NORMAL = "normal", _("Normal")
        MUTED = "muted", _("Muted: nothing from this board")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_watches")
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched board")
        verbose_name_plural = _("watched boards")
        constraints = [models.UniqueConstraint(fields=["member", "board"], name="notifications_boardwatch_once")]
        indexes = [models.Index(fields=["board", "level", "member"], name="notifications_boardwatch_idx")]

    def __str__(self):
        return f"{self.member_id} {self.level} {self.board_id}"


class Mute(models.Model):
    """`member` hears nothing caused by `muted`."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("muted member")
        verbose_name_plural = _("muted members")
        constraints = [models.UniqueConstraint(fields=["member", "muted"], name="notifications_mute_once")]
        indexes = [models.Index(fields=["muted", "member"], name="notifications_mute_muted_idx")]

    def __str__(self):
        return f"{self.member_id} mutes {self.muted_id}"


class FanoutMark(models.Model):
    """A post's fan-out, chunk by chunk: written in the chunk's own transaction, so a retried task or a
    second worker skips what was done and every notice is made once."""

    post = models.ForeignKey("boards.Post", on_delete=models.CASCADE, related_name="+")
    chunk = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "chunk"], name="notifications_fanout_once")]

    def __str__(self):
        return f"post {self.post_id} chunk {self.chunk}"


class DigestMark(models.Model):
    """One digest per member per (their local) day."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="notifications_digest_once")]

    def __str__(self):
        return f"digest {self.member_id} {self.day}"
