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

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.GENERAL)
    verb = models.CharField(_("what happened"), max_length=40, blank=True, default="")
    params = models.JSONField(_("details"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "members_notice"  # the table it had when notices lived in the members app
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "-created_at", "-id"], name="members_notice_recipient_idx")]

    def __str__(self):
        return self.title

    def text(self) -> kinds.Text:
        """The notice's words in the active language."""
        return kinds.render(self.verb, self.params, fallback=kinds.Text(self.title, self.body))
