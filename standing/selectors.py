"""Reads for the members list, a member's standing and the promotions page."""
from django.db.models import QuerySet

from forum import links
from forum.pagination import Keyset, SeekPage
from members.models import JoinStatus, PromotionProposal, User
from members.ranks import ladder
from standing import ranks

# each order of the members list, all descending and ending in the id (one member per key), over active members by
# the index made for it (members.User.Meta.indexes): rank (the ladder, then posts), posts, newest
SORTS = {
    "rank": Keyset(User, ("rank_order", "post_count", "id")),
    "posts": Keyset(User, ("post_count", "id")),
    "joined": Keyset(User, ("date_joined", "id")),
}
MEMBERS_PER_PAGE = 50


def member_page(*, sort: str, after: str | None = None, before: str | None = None) -> SeekPage:
    """One page of the members list in the order `sort`: the first, or the one just after or before a cursor
    from the page before (NotAPage for one that is not a key of this order, or with no members beyond it).
    One query, the last page as cheap as the first. Accounts still waiting for a moderator's approval, or
    refused, are not members of the community yet: they are not listed."""
    listed = User.objects.filter(is_active=True, join_status=JoinStatus.APPROVED)
    page = SORTS[sort].page(listed, after=after, before=before,
                            per_page=MEMBERS_PER_PAGE, select_related=("rank",),
                            only=("username", "date_joined", "post_count", "rank_order", "rank__name",
                                  "rank__badge_colour", "rank__order"))
    for member in page.rows:
        member.url = links.member_url(member.username)
    return page


def standing_of(member: User) -> dict:
    """The member's rank, what the next one takes, what would cause a drop, and their rank history."""
    steps = ladder()
    current = member.rank if member.rank_id else (steps[0] if steps else None)
    following = [r for r in steps if current and r.order > current.order]
    next_rank = following[0] if following else None
    metrics_cache: dict = {}
    now_standing = ranks.standing_for(member, current, cache=metrics_cache) if current else None
    next_standing = ranks.standing_for(member, next_rank, cache=metrics_cache) if next_rank else None
    history = member.rank_changes.select_related("from_rank", "to_rank", "board", "actor").order_by(
        "-created_at", "-id")[:20]
    return {"member": member, "current": current, "next_rank": next_rank, "steps": steps,
            "now_standing": now_standing, "next_standing": next_standing, "history": history,
            "drop_rows": now_standing.criteria() if now_standing else []}


def pending_proposals() -> QuerySet[PromotionProposal]:
    return (PromotionProposal.objects.filter(status=PromotionProposal.Status.PENDING)
            .select_related("member__rank", "board").order_by("created_at", "id"))


def decided_proposals(limit: int = 20) -> QuerySet[PromotionProposal]:
    return (PromotionProposal.objects.exclude(status=PromotionProposal.Status.PENDING)
            .select_related("member", "board", "decided_by").order_by("-decided_at", "-id")[:limit])
