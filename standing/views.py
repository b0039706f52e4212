"""Members in the open: profiles, the members list, each member's standing, and growing moderators."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import selectors as board_selectors
from forum import links
from forum.pagination import NotAPage
from members.models import PromotionProposal, User
from members.permissions import check_admin, is_admin
from standing import promotions, selectors
from standing.forms import AppointForm


def _active_member_or_404(username: str) -> User:
    member = User.objects.select_related("rank").filter(username=username, is_active=True).first()
    if member is None:
        raise Http404(_("No such member."))
    return member


@require_GET
def profile(request, username):
    member = _active_member_or_404(username)
    posts = board_selectors.member_recent_posts(member=member, viewer=request.user)
    for post in posts:
        post.permalink = links.post_url(post.pk)
    return render(request, "members/profile.html", {
        "member": member, "recent_posts": posts,
        "moderates": board_selectors.member_moderates(member=member, viewer=request.user),
        "appoint_form": AppointForm() if is_admin(request.user) else None,
    })


@require_GET
def member_list(request):
    """?sort= one of SORTS; ?after=KEY and ?before=KEY (the Next and Previous links) step from the page before. A
    cursor that is not one, or leads nowhere, and an old ?page=N link answer with the order's first page."""
    sort = request.GET.get("sort", "rank")
    if sort not in selectors.SORTS:
        return redirect(f"{request.path}?sort=rank")
    first = f"{request.path}?sort={sort}"
    if "page" in request.GET:
        return redirect(first)
    try:
        page = selectors.member_page(sort=sort, after=request.GET.get("after"), before=request.GET.get("before"))
    except NotAPage:
        return redirect(first)
    return render(request, "members/member_list.html", {
        "members": page.rows, "sort": sort, "sorts": [
            ("rank", _("Rank")), ("posts", _("Posts")), ("joined", _("Newest"))],
        "previous_url": f"{first}&before={page.previous_cursor}" if page.previous_cursor else None,
        "next_url": f"{first}&after={page.next_cursor}" if page.next_cursor else None,
    })


@login_required
@require_GET
def standing(request, username=None):
    """The member's own standing; admins see any active member's."""
    member = request.user if username is None else _active_member_or_404(username)
    if member.pk != request.user.pk and not is_admin(request.user):
        raise PermissionDenied(_("Only admins can see another member's standing."))
    return render(request, "members/standing.html", {
        **selectors.standing_of(member), "grace_days": settings.HEARTH["RANK_GRACE_DAYS"]})


def _check_admin(user) -> None:
    check_admin(user, _("Only admins decide on moderators."))


@login_required
@require_GET
def promotions_page(request):
    _check_admin(request.user)
    return render(request, "members/promotions.html", {
        "pending": selectors.pending_proposals(), "decided": selectors.decided_proposals(),
        "inactive": promotions.inactive_moderators(),
        "auto": settings.HEARTH["AUTO_PROMOTE"], "inactive_days": settings.HEARTH["INACTIVE_MODERATOR_DAYS"],
    })


@login_required
@require_POST
def proposal_decide(request, proposal_id):
    _check_admin(request.user)
    proposal = get_object_or_404(PromotionProposal.objects.select_related("member", "board"), pk=proposal_id)
    names = {"member": proposal.member.username, "board": proposal.board.name}
    try:
        if request.POST.get("decision") == "decline":
            promotions.decline_proposal(proposal=proposal, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Declined: %(member)s will not moderate %(board)s.") % names)
        else:
            promotions.approve_proposal(proposal=proposal, actor=request.user)
            messages.success(request, _("%(member)s now moderates %(board)s.") % names)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("standing:promotions")


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
    names = {"member": member.username, "board": board.name}
    try:
        if request.POST.get("action") == "remove":
            promotions.remove_moderator(member=member, board=board, actor=request.user, reason=reason)
            messages.success(request, _("%(member)s no longer moderates %(board)s.") % names)
        else:
            promotions.appoint_moderator(member=member, board=board, actor=request.user, reason=reason)
            messages.success(request, _("%(member)s now moderates %(board)s.") % names)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    # a disabled account has no public profile to go back to
    return redirect(member.get_absolute_url() if member.is_active else "standing:promotions")
