"""The demo forum's pending moderator proposal, made by the real service (its rank history line and the
member's notice included), so that /promotions/ has a decision waiting on a first run. Connected to
boards.signals.demo_seeded. Deterministic: the numbers are the demo's own."""
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from boards.models import Board, Post
from members.models import PromotionProposal, User
from standing.promotions import _propose

WINDOW_DAYS = 100  # the window of the top ranks (members.default_ladder)


def add_demo_proposal(sender=None, *, users, **kwargs) -> PromotionProposal | None:
    """bao, the demo's Veteran, for the board most of their recent posts went to."""
    member = User.objects.select_related("rank").get(pk=users[1].pk)  # as the demo ranked them
    now = timezone.now()
    counts = dict(Post.objects.filter(author=member, created_at__gte=now - timedelta(days=WINDOW_DAYS),
                                      is_hidden=False).values_list("topic__board_id").annotate(n=Count("id")))
    board_id, n = max(counts.items(), key=lambda item: (item[1], -item[0]))
    total = sum(counts.values())
    numbers = {"posts_in_board": n, "posts_everywhere": total, "share": round(n / total, 2),
               "window_days": WINDOW_DAYS, "rank": member.rank.name,
               "accurate_reports": member.accurate_reports, "account_days": (now - member.date_joined).days,
               "days_visited": member.days_visited, "likes_received": member.likes_received}
    return _propose(member=member, board=Board.objects.get(pk=board_id), numbers=numbers)
