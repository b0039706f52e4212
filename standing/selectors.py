"""Reads for the members list, a member's standing and the promotions page."""
from django.core.cache import cache
from django.db.models import QuerySet

from forum import links
from forum.pagination import PageInfo, page_info, page_rows
from members.models import PromotionProposal, User
from members.ranks import ladder
from standing import ranks

SORTS = {
    "rank": ("-rank_order", "-post_count", "id"),
    "posts": ("-post_count", "id"),
    "joined": ("-date_joined", "-id"),
}
MEMBERS_PER_PAGE = 50


def active_member_count() -> int:
    """Cached for a minute rather than counted on every page view."""
    return cache.get_or_set("members:active-count", lambda: User.objects.filter(is_active=True).count(), 60)


def member_page(*, sort: str, page: str | None) -> tuple[PageInfo, list[User]]:
    """One page of the members list (raises PageOutOfRange past the end); the last page costs what the first
    does (forum.pagination.page_rows)."""
    info = page_info(page, count=active_member_count(), per_page=MEMBERS_PER_PAGE)
    listed = User.objects.filter(is_active=True).order_by(*SORTS[sort])
    members = list(page_rows(listed, info).select_related("rank").order_by(*SORTS[sort])
                   .only("username", "date_joined", "post_count", "rank__name", "rank__badge_colour",
                         "rank__order"))
    for member in members:
        member.url = links.member_url(member.username)
    return info, members


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
