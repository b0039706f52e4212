"""Ranks in the open: the members list, each member's standing, and growing moderators."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from boards.links import member_url
from boards.models import Board
from boards.pagination import PageOutOfRange, page_info
from boards.permissions import check_admin
from members import promotions, ranks
from members.models import PromotionProposal, User

SORTS = {
    "rank": ("-rank_order", "-post_count", "id"),
    "posts": ("-post_count", "id"),
    "joined": ("-date_joined", "-id"),
}
MEMBERS_PER_PAGE = 50


@require_GET
def member_list(request):
    sort = request.GET.get("sort", "rank")
    if sort not in SORTS:
        return redirect(f"{request.path}?sort=rank")
    # the count is cached for a minute rather than counted on every page view
    total = cache.get_or_set("members:active-count", lambda: User.objects.filter(is_active=True).count(), 60)
    try:
        page = page_info(request.GET.get("page"), count=total, per_page=MEMBERS_PER_PAGE)
    except PageOutOfRange as out:
        return redirect(f"{request.path}?sort={sort}&page={out.number}")
    members = list(User.objects.filter(is_active=True).select_related("rank").order_by(*SORTS[sort])
                   .only("username", "date_joined", "post_count", "rank__name", "rank__badge_colour",
                         "rank__order")[page.offset: page.offset + page.per_page])
    for member in members:
        member.url = member_url(member.username)
    return render(request, "members/member_list.html", {
        "members": members, "page": page, "sort": sort, "sorts": [
            ("rank", _("Rank")), ("posts", _("Posts")), ("joined", _("Newest"))],
        "page_base_url": f"{request.path}?sort={sort}",
    })


@login_required
@require_GET
def standing(request, username=None):
    member = request.user if username is None else get_object_or_404(User, username=username)
    if member.pk != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(_("Only admins can see another member's standing."))
    steps = ranks.ladder()
    current = member.rank if member.rank_id else (steps[0] if steps else None)
    following = [r for r in steps if current and r.order > current.order]
    next_rank = following[0] if following else None
    metrics_cache: dict = {}
    now_standing = ranks.standing_for(member, current, cache=metrics_cache) if current else None
    next_standing = ranks.standing_for(member, next_rank, cache=metrics_cache) if next_rank else None
    history = member.rank_changes.select_related("from_rank", "to_rank", "board", "actor").order_by(
        "-created_at", "-id")[:20]
    return render(request, "members/standing.html", {
        "member": member, "current": current, "next_rank": next_rank, "steps": steps,
        "now_standing": now_standing, "next_standing": next_standing, "history": history,
        "drop_rows": now_standing.criteria() if now_standing else [],
        "grace_days": settings.HEARTH["RANK_GRACE_DAYS"],
    })


def _check_admin(user) -> None:
    check_admin(user, _("Only admins decide on moderators."))


@login_required
@require_GET
def promotions_page(request):
    _check_admin(request.user)
    pending = (PromotionProposal.objects.filter(status=PromotionProposal.Status.PENDING)
               .select_related("member__rank", "board").order_by("created_at", "id"))
    decided = (PromotionProposal.objects.exclude(status=PromotionProposal.Status.PENDING)
               .select_related("member", "board", "decided_by").order_by("-decided_at", "-id")[:20])
    return render(request, "members/promotions.html", {
        "pending": pending, "decided": decided, "inactive": promotions.inactive_moderators(),
        "auto": settings.HEARTH["AUTO_PROMOTE"], "inactive_days": settings.HEARTH["INACTIVE_MODERATOR_DAYS"],
    })


@login_required
@require_POST
def proposal_decide(request, proposal_id):
    _check_admin(request.user)
    proposal = get_object_or_404(PromotionProposal.objects.select_related("member", "board"), pk=proposal_id)
    try:
        if request.POST.get("decision") == "decline":
            promotions.decline_proposal(proposal=proposal, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Declined: %(member)s will not moderate %(board)s.")
                             % {"member": proposal.member.username, "board": proposal.board.name})
        else:
            promotions.approve_proposal(proposal=proposal, actor=request.user)
            messages.success(request, _("%(member)s now moderates %(board)s.")
                             % {"member": proposal.member.username, "board": proposal.board.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("members:promotions")


class AppointForm(forms.Form):
    board = forms.ModelChoiceField(label=gettext_lazy("Board"), queryset=Board.objects.none(), empty_label=None)
    reason = forms.CharField(label=gettext_lazy("Why"), max_length=300,
                             error_messages={"required": gettext_lazy("Say why, for the member's history.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.order_by("position", "id")


@login_required
@require_POST
def member_moderation(request, username):
    """An admin makes a member a board moderator, or removes them, with a reason."""
    _check_admin(request.user)
    member = get_object_or_404(User, username=username)
    form = AppointForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(member.get_absolute_url())
    board, reason = form.cleaned_data["board"], form.cleaned_data["reason"]
    try:
        if request.POST.get("action") == "remove":
            promotions.remove_moderator(member=member, board=board, actor=request.user, reason=reason)
            messages.success(request, _("%(member)s no longer moderates %(board)s.")
                             % {"member": member.username, "board": board.name})
        else:
            promotions.appoint_moderator(member=member, board=board, actor=request.user, reason=reason)
            messages.success(request, _("%(member)s now moderates %(board)s.")
                             % {"member": member.username, "board": board.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    # a disabled account has no public profile to go back to
    return redirect(member.get_absolute_url() if member.is_active else "members:promotions")
