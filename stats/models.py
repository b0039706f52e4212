"""Daily rollups of the forum's health, written by stats.rollup (nightly, and `manage.py rollup_stats`).

Every row is derived from the forum's own tables and can be rebuilt from them: a day's rows are deleted and
inserted again in one transaction, so running the rollup twice for a day gives the same rows.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Whose activity a row counts. Accounts removed as spam are never counted (stats.definitions)."""

    MEMBERS = "members", _("Members (staff excluded)")
    EVERYONE = "everyone", _("Everyone (staff included)")


class DailyStat(models.Model):
    """One day's figures for the whole forum (board empty) or one board, for one audience.

    `posters_N` and `active_N` count distinct members over the N days ending on `day`, so any period's
    distinct count is one row away. Figures that only make sense forum-wide (signups, visits, new
    contributors) are 0 on board rows."""

    day = models.DateField(_("day"))
    board = models.ForeignKey("boards.Board", verbose_name=_("board"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)

    signups = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    active_7 = models.PositiveIntegerField(default=0)
    active_30 = models.PositiveIntegerField(default=0)
    active_90 = models.PositiveIntegerField(default=0)
    active_365 = models.PositiveIntegerField(default=0)
    posting = models.PositiveIntegerField(default=0)
    posters_7 = models.PositiveIntegerField(default=0)
    posters_30 = models.PositiveIntegerField(default=0)
    posters_90 = models.PositiveIntegerField(default=0)
    posters_365 = models.PositiveIntegerField(default=0)
    new_topics = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    new_contributors = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    cases_opened = models.PositiveIntegerField(default=0)
    cases_resolved = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "audience"], condition=models.Q(board__isnull=True),
                                    name="stats_dailystat_forum_once_a_day"),
            models.UniqueConstraint(fields=["day", "board", "audience"], condition=models.Q(board__isnull=False),
                                    name="stats_dailystat_board_once_a_day"),
        ]
        indexes = [models.Index(fields=["audience", "day"], name="stats_dailystat_day_idx")]

    def __str__(self):
        return f"{self.day} {self.board_id or 'forum'} {self.audience}"


class PosterDay(models.Model):
    """A member who wrote at least one counted post in a board on a day: the distinct-poster windows and
    retention by posting read these narrow rows instead of the posts."""

    day = models.DateField()
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_staff = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "board", "member"], name="stats_posterday_uniq")]
        indexes = [models.Index(fields=["member", "day"], name="stats_posterday_member_idx")]

    def __str__(self):
        return f"{self.day} {self.board_id} {self.member_id}"


class TopicResponse(models.Model):
    """When a topic got its first reply from someone other than its author (empty: not yet)."""

    topic = models.OneToOneField("boards.Topic", primary_key=True, on_delete=models.CASCADE,
                                 related_name="stats_response")
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    created_on = models.DateField()
    first_reply_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_on"], name="stats_response_day_idx")]

    def __str__(self):
        return f"{self.topic_id}: {self.wait_seconds}"


class MemberCohort(models.Model):
    """A member's signup cohort (the Monday of their signup week, in the site's zone) and whether they were
    active on days 1-7, 8-30 and 31-90 after signing up, by visits and by posting."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                  related_name="+")
    joined_on = models.DateField()
    cohort = models.DateField()
    visited_1_7 = models.BooleanField(default=False)
    visited_8_30 = models.BooleanField(default=False)
    visited_31_90 = models.BooleanField(default=False)
    posted_1_7 = models.BooleanField(default=False)
    posted_8_30 = models.BooleanField(default=False)
    posted_31_90 = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["cohort"], name="stats_cohort_idx"),
                   models.Index(fields=["joined_on"], name="stats_cohort_joined_idx")]

    def __str__(self):
        return f"{self.member_id} {self.cohort}"
