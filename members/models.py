import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def timezone_choices():
    return [("", _("Site default"))] + [(name, name) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A member. Counters are denormalized and changed only by boards.services, inside the write."""

    email_verified = models.BooleanField(
        _("email verified"), default=False,
        help_text=_("Set when the member confirms an email address; posting needs it."),
    )
    is_global_moderator = models.BooleanField(
        _("global moderator"), default=False, help_text=_("Moderates every board."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    topic_count = models.PositiveIntegerField(_("topics"), default=0)
    unread_notice_count = models.PositiveIntegerField(_("unread notices"), default=0, editable=False)

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
        indexes = [models.Index(fields=["-date_joined"], name="members_user_joined_idx")]

    def __str__(self):
        return self.username

    def get_absolute_url(self):
        from boards.links import member_url

        return member_url(self.username)

    @cached_property
    def moderated_board_ids(self) -> frozenset[int]:
        """The boards this member moderates by appointment: one query, at most once per request."""
        if not self.pk:
            return frozenset()
        from boards.models import BoardModerator

        return frozenset(BoardModerator.objects.filter(member_id=self.pk).values_list("board_id", flat=True))


class Notice(models.Model):
    """Something the site tells one member: a reminder, a promotion, a moderator's decision."""

    class Kind(models.TextChoices):
        FRESHNESS = "freshness", _("Freshness reminder")
        GENERAL = "general", _("Notice")

    recipient = models.ForeignKey(User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "-created_at", "-id"], name="members_notice_recipient_idx")]

    def __str__(self):
        return self.title
