"""The rank ladder as data: which steps there are, and where a member stands on it. Measuring members and
recomputing their ranks is standing.ranks (it needs the posts and likes of the boards app)."""
from forum import lookups
from members.models import Rank


def ladder() -> list[Rank]:
    return list(Rank.objects.order_by("order"))


def lowest_rank() -> Rank | None:
    return Rank.objects.order_by("order").first()


def lowest_rank_order() -> int:
    """The order of the first step (0 without a ladder): where a member not ranked yet stands. Asked on
    every page that lists boards for such a member: one MIN, not a QuerySet."""
    order = lookups.smallest(Rank, "order")
    return 0 if order is None else order


def effective_rank(user) -> Rank | None:
    """The member's rank; a member not yet ranked stands on the first step."""
    return user.rank if user.rank_id else lowest_rank()
