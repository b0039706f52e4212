"""The demo forum's moderation history and its rollups, so that `make run` shows real charts at once.

Connected to boards.signals.demo_seeded (boards cannot create moderation rows: they stand above it)."""
import random
from datetime import timedelta

from django.utils import timezone

from boards.models import Post
from moderation.models import Case, Reason, Report
from stats import definitions as d
from stats.rollup import rollup_range


def add_history(sender=None, *, users, **kwargs) -> None:
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    now = timezone.now()
    moderator = users[0]
    # reports come from anyone: not about a board by rank, which most of the demo's members cannot read
    posts = list(Post.objects.filter(position__gt=1, created_at__lt=now - timedelta(days=1),
                                     topic__board__view_rank__isnull=True)
                 .select_related("topic").order_by("id"))
    reasons = [Reason.SPAM, Reason.OFF_TOPIC, Reason.ABUSE, Reason.OTHER]
    for n, post in enumerate(rng.sample(posts, min(14, len(posts)))):
        opened = post.created_at + timedelta(hours=rng.uniform(1, 12))
        case = Case.objects.create(kind=Case.Kind.POST, post=post, topic=post.topic, member_id=post.author_id,
                                   board_id=post.topic.board_id, report_count=1, weight=1)
        reporter = rng.choice([u for u in users if u.pk != post.author_id])
        report = Report.objects.create(case=case, reporter=reporter, reason=rng.choice(reasons), note="Demo report.")
        resolved = None
        if n >= 2:  # the first two stay open
            resolved = min(opened + timedelta(hours=rng.choice([0.5, 2, 5, 9, 20, 40])), now - timedelta(minutes=1))
        Case.objects.filter(pk=case.pk).update(
            created_at=opened, state=Case.State.RESOLVED if resolved else Case.State.OPEN, resolved_at=resolved,
            resolved_by=moderator if resolved else None, resolution="Dismissed (demo)." if resolved else "")
        Report.objects.filter(pk=report.pk).update(created_at=opened)
    first = min(timezone.localdate(u.date_joined, d.zone()) for u in users)
    rollup_range(first, d.today() - timedelta(days=1))
