import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["-date_joined"], name="members_user_joined_idx")]

    def __str__(self):
        return self.username

    def get_absolute_url(self):
        from boards.links import member_url

        return member_url(self.username)
