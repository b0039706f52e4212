"""The moderation queue (/mod/), held posts (/mod/approvals/), a case, the actions, the log (/mod/log/),
retitling and moving, and reporting."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import permissions as board_permissions
from boards import selectors as board_selectors
from boards import services as board_services
from boards.forms import add_service_errors
from forum import ratelimit
from forum.numbers import parse_int
from members.models import User
from moderation import permissions, selectors, services
from moderation.forms import LogFilterForm, QueueFilterForm, ReportForm, TopicManageForm, action_fields, case_ids
from moderation.models import SpammerRemoval


def _check_queue(user) -> None:
    if not permissions.can_see_queue(user):
        raise PermissionDenied(_("Only moderators can see the moderation queue."))


@login_required
@require_GET
def queue(request):
    _check_queue(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("reason") == "approval" and not filters.get("state"):
        return redirect("moderation:approvals")  # one page for held posts: the one the header links to
    cases = selectors.queue(viewer=request.user, board_id=filters.get("board"), reason=filters.get("reason", ""),
                            state=filters.get("state", ""))
    return render(request, "moderation/queue.html", {
        "cases": cases, "form": form, "shown_limit": selectors.QUEUE_LIMIT,
        "more_than_shown": len(cases) >= selectors.QUEUE_LIMIT, "boards": selectors.moderated_boards(request.user),
        "current_board": filters.get("board"), "bulk_actions": [("dismiss", _("Dismiss")), ("hide", _("Hide posts")),
                                                                ("approve", _("Approve"))],
    })


@login_required
@require_GET
def approvals(request):
    """Newcomers' held posts, each with its text and the buttons to decide; and new accounts waiting to be
    let in (global moderators and admins), each linking to its case."""
    _check_queue(request.user)
    return render(request, "moderation/approvals.html", selectors.approvals_page(viewer=request.user))


@login_required
@require_POST
def post_approve(request, post_id):
    post = board_permissions.post_for_viewer_or_404(request.user, post_id)
    try:
        if request.POST.get("action") == "reject":
            services.post_reject(post=post, moderator=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The post was not published; its author has been told why."))
        else:
            services.post_approve(post=post, moderator=request.user)
            messages.success(request, _("The post is published."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("next") == "queue":
        return redirect("moderation:approvals")
    return redirect(board_selectors.post_in_page_url(post))


@login_required
@require_GET
def case_detail(request, case_id):
    _check_queue(request.user)
    case = selectors.case_detail(viewer=request.user, case_id=case_id)
    if case is None:
        raise Http404(_("No such case."))
    return render(request, "moderation/case_detail.html", {
        "case": case, "post": case.post,
        "context_posts": selectors.neighbours(case.post, viewer=request.user) if case.post else [],
        "record": selectors.member_record(case.member), "history": selectors.case_history(case),
        "rules": services.board_rules(case.board),
        "boards": selectors.moderated_boards(request.user),
        "can_ban": board_permissions.is_global_moderator(request.user),
        "is_admin": board_permissions.is_admin(request.user),
        "same_address": selectors.same_address_accounts(case.member),
        "can_delete_spammer": services.spammer_refusal(request.user, case.member) is None,
    })


@login_required
@require_POST
def case_act(request, case_id):
    _check_queue(request.user)
    case = get_object_or_404(selectors.cases_for(request.user), pk=case_id)
    action = request.POST.get("action", "")
    try:
        if action == "claim":
            services.case_claim(case=case, actor=request.user)
            messages.success(request, _("The case is yours."))
        elif action == "note":
            services.case_add_note(case=case, actor=request.user, text=request.POST.get("text", ""))
            messages.success(request, _("Note added."))
        else:
            case = services.case_act(case=case, actor=request.user, action=action, **action_fields(request.POST))
            messages.success(request, _("Resolved: %(outcome)s") % {"outcome": case.resolution})
            return redirect("moderation:queue")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("moderation:case_detail", case_id=case.pk)


@login_required
@require_POST
def bulk_act(request):
    _check_queue(request.user)
    ids = case_ids(request.POST)
    if not ids:
        messages.error(request, _("Tick the cases to handle first."))
        return redirect("moderation:queue")
    cases = list(selectors.cases_for(request.user).filter(pk__in=ids))
    done, problems = services.bulk_act(cases=cases, actor=request.user, action=request.POST.get("action", ""),
                                       reason=request.POST.get("reason", ""))
    found = {case.pk for case in cases}
    problems += [_("#%(id)d: you don't moderate where this happened.") % {"id": i} for i in ids if i not in found]
    if done:
        messages.success(request, _("%(count)d cases resolved.") % {"count": len(done)})
    for problem in problems:
        messages.error(request, problem)
    return redirect("moderation:queue")


@login_required
@require_GET
def moderation_log(request):
    _check_queue(request.user)
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    number = parse_int(request.GET.get("page", "1"), minimum=1, maximum=100_000) or 1
    entries, more = selectors.log_page(request.user, number=number, action=filters.get("action", ""),
                                       actor=filters.get("actor", ""))
    query = request.GET.copy()
    query.pop("page", None)
    base = f"?{query.urlencode()}&" if query else "?"
    return render(request, "moderation/log.html", {
        "entries": entries, "form": form, "number": number,
        "previous_url": f"{base}page={number - 1}" if number > 1 else None,
        "next_url": f"{base}page={number + 1}" if more else None,
    })


@login_required
@require_POST
def act_on(request, kind, object_id):
    """A moderator acts from the page itself (lock a topic, hide a post); logged like any action, and an
    open case on the same target is resolved by it. What the viewer may not see is a 404."""
    if kind == "post":
        post = board_permissions.post_for_viewer_or_404(request.user, object_id)
        target, back = {"post": post}, board_selectors.post_in_page_url(post)
    elif kind == "topic":
        topic = board_permissions.topic_for_viewer_or_404(request.user, object_id, with_author=True)
        target, back = {"topic": topic, "member": topic.author}, topic.get_absolute_url()
    else:
        raise Http404
    try:
        outcome = services.act_directly(actor=request.user, action=request.POST.get("action", ""),
                                        **action_fields(request.POST), **target)
        messages.success(request, _("Done: %(outcome)s") % {"outcome": outcome})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("move", member=True)
def topic_manage(request, topic_id):
    topic = board_permissions.topic_for_viewer_or_404(request.user, topic_id)
    if not board_permissions.can_retitle_and_move(request.user, topic):
        raise PermissionDenied(_("Moderators, and Veterans in boards they are active in, can retitle and move "
                                 "topics."))
    form = TopicManageForm(request.POST or None, initial={"title": topic.title, "board": topic.board_id},
                           user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            topic = board_services.topic_retitle_move(topic=topic, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The topic is saved."))
            return redirect(topic.get_absolute_url())
    return render(request, "moderation/topic_manage.html", {"topic": topic, "board": topic.board, "form": form})


# ---------------------------------------------------------------- reporting


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("report")
def report(request, kind, object_id):
    target = selectors.report_target_or_404(request.user, kind, object_id)
    board_permissions.check_can_write(request.user)
    form = ReportForm(request.POST or None)
    target_url = selectors.target_url(target)
    if request.method == "POST" and form.is_valid():
        count, period = settings.HEARTH["REPORT_RATE"]
        if not ratelimit.hit("report", request.user.pk, limit=count, period=period):
            form.add_error(None, _("You have sent many reports in a short time. Try again later."))
        else:
            try:
                services.report_create(reporter=request.user, kind=kind, **{kind: target}, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you. The moderators will look at it, and you will hear how "
                                            "it was resolved."))
                return redirect(target_url)
    return render(request, "moderation/report.html", {"form": form, "kind": kind, "target": target,
                                                       "target_url": target_url})


@login_required
@require_GET
def my_reports(request):
    """What the member reported, and how each report was resolved."""
    return render(request, "moderation/my_reports.html", {"reports": selectors.reports_by(member=request.user)})


@login_required
@require_POST
def spammer_delete(request, member_id):
    """Ban the member and take all their content off the forum (undoable for a few days)."""
    member = get_object_or_404(User, pk=member_id)
    refusal = services.spammer_refusal(request.user, member)
    if refusal:
        raise PermissionDenied(refusal)
    removal = services.spammer_delete(actor=request.user, member=member, reason=request.POST.get("reason", ""))
    messages.success(request, _("%(name)s was banned; %(posts)d posts and %(topics)d topics were removed. You can "
                                "undo this for %(days)d days.") % {
        "name": member.username, "posts": removal.post_count, "topics": removal.topic_count,
        "days": settings.HEARTH["SPAMMER_UNDO_DAYS"]})
    return redirect("moderation:spammers")


@login_required
@require_GET
def spammers(request):
    if not board_permissions.is_global_moderator(request.user):
        raise PermissionDenied(_("Only global moderators and admins can do that."))
    removals = selectors.spammer_removals()
    for removal in removals:
        removal.undoable = services.can_undo(removal)
        removal.deadline = services.undo_deadline(removal)
    return render(request, "moderation/spammers.html",
                  {"removals": removals, "undo_days": settings.HEARTH["SPAMMER_UNDO_DAYS"]})


@login_required
@require_POST
def spammer_undo(request, removal_id):
    removal = get_object_or_404(SpammerRemoval, pk=removal_id)
    try:
        services.spammer_undo(actor=request.user, removal=removal)
        messages.success(request, _("Undone: %(name)s is no longer banned and their content is back.")
                         % {"name": removal.member.username})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("moderation:spammers")
