"""The rank ladder as data: which steps there are, and where a member stands on it. Measuring members and
recomputing their ranks is standing.ranks (it needs the posts and likes of the boards app)."""
from members.models import Rank


def ladder() -> list[Rank]:
    return list(Rank.objects.order_by("order"))


def lowest_rank() -> Rank | None:
    return Rank.objects.order_by("order").first()


def effective_rank(user) -> Rank | None:
    """The member's rank; a member not yet ranked stands on the first step."""
    return user.rank if user.rank_id else lowest_rank()
