"""The word filter's terms (词语过滤) and its one settings row."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wordfilter.syntax import SyntaxProblem, parse_term


class Term(models.Model):
    """One word or pattern the forum does not allow as it stands."""

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: refuse the text")
        HOLD = "hold", _("Hold: save it awaiting a moderator")
        REPLACE = "replace", _("Replace the word")

    term = models.CharField(
        _("term"), max_length=200, unique=True,
        help_text=_("Matched inside words, ignoring case and full-width/half-width forms. 广{1}告 allows up to one "
                    "character between 广 and 告; /…/ is a regular expression."))
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, default=Action.REPLACE)
    replacement = models.CharField(_("replacement"), max_length=100, blank=True, default="**",
                                   help_text=_("For “replace”: the text put in the term's place."))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("filtered term")
        verbose_name_plural = _("filtered terms")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def clean(self):
        self.term = (self.term or "").strip()
        try:
            parse_term(self.term)
        except SyntaxProblem as problem:
            raise ValidationError({"term": str(problem)}) from None


class FilterSettings(models.Model):
    """One row (pk 1): who is exempt from "hold", and the version of the term list the matchers are built from."""

    hold_exempt_rank = models.ForeignKey(
        "members.Rank", verbose_name=_("exempt from “hold” from rank"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Members at or above this rank are not held by the word filter (they are still blocked). "
                    "Empty: nobody is exempt."))
    terms_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("word filter settings")
        verbose_name_plural = _("word filter settings")

    def __str__(self):
        return str(_("word filter settings"))
