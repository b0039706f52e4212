"""The moderation queue (/mod/), a case, the actions, the log (/mod/log/), and reporting."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import links
from boards import permissions as board_permissions
from boards import selectors as board_selectors
from boards.forms import add_service_errors
from boards.models import Board, Post, Topic
from forum import ratelimit
from members.models import User
from moderation import permissions, selectors, services
from moderation.forms import LogFilterForm, QueueFilterForm, ReportForm
from moderation.models import Case

LOG_PER_PAGE = 50


def _action_fields(request) -> dict:
    """reason, rule, days and board from an action form; malformed numbers count as missing."""
    board_id, days = request.POST.get("board", ""), request.POST.get("days", "")
    return {"reason": request.POST.get("reason", ""), "rule": request.POST.get("rule", ""),
            "days": int(days) if days.isdigit() else None,
            "board": Board.objects.filter(pk=int(board_id)).first() if board_id.isdigit() else None}


def _check_queue(user) -> None:
    if not permissions.can_see_queue(user):
        raise PermissionDenied(_("Only moderators can see the moderation queue."))


@login_required
@require_GET
def queue(request):
    _check_queue(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.queue(viewer=request.user, board_id=filters.get("board"), reason=filters.get("reason", ""),
                            state=filters.get("state", ""))
    for case in cases:
        case.url = f"/mod/case/{case.pk}/"
        case.target_url = _case_target_url(case)
    return render(request, "moderation/queue.html", {
        "cases": cases, "form": form, "shown_limit": selectors.QUEUE_LIMIT,
        "more_than_shown": len(cases) >= selectors.QUEUE_LIMIT, "boards": selectors.moderated_boards(request.user),
        "current_board": filters.get("board"), "bulk_actions": [("dismiss", _("Dismiss")), ("hide", _("Hide posts")),
                                                                ("approve", _("Approve"))],
    })


@login_required
@require_GET
def case_detail(request, case_id):
    _check_queue(request.user)
    case = selectors.case_detail(viewer=request.user, case_id=case_id)
    if case is None:
        raise Http404(_("No such case."))
    post = case.post
    context_posts = selectors.neighbours(post) if post else []
    for item in context_posts:
        item.permalink = links.post_url(item.pk)
    return render(request, "moderation/case_detail.html", {
        "case": case, "post": post, "context_posts": context_posts,
        "record": selectors.member_record(case.member), "history": selectors.case_history(case),
        "rules": services.board_rules(case.board),
        "boards": selectors.moderated_boards(request.user),
        "can_ban": board_permissions.is_global_moderator(request.user),
        "is_admin": board_permissions.is_admin(request.user),
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
            case = services.case_act(case=case, actor=request.user, action=action, **_action_fields(request))
            messages.success(request, _("Resolved: %(outcome)s") % {"outcome": case.resolution})
            return redirect("moderation:queue")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("moderation:case_detail", case_id=case.pk)


@login_required
@require_POST
def bulk_act(request):
    _check_queue(request.user)
    ids = [int(i) for i in request.POST.getlist("cases") if i.isdigit()]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, _("Tick the cases to handle first."))
        return redirect("moderation:queue")
    cases = list(selectors.cases_for(request.user).filter(pk__in=ids))
    done, problems = services.bulk_act(cases=cases, actor=request.user, action=action,
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
    entries = selectors.log_for(request.user, action=filters.get("action", ""), actor=filters.get("actor", ""))
    # one page plus one row tells whether there is a next page: no COUNT over the whole log
    number = request.GET.get("page", "1")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    rows = list(entries[(number - 1) * LOG_PER_PAGE: number * LOG_PER_PAGE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    base = f"?{query.urlencode()}&" if query else "?"
    return render(request, "moderation/log.html", {
        "entries": rows[:LOG_PER_PAGE], "form": form, "number": number,
        "previous_url": f"{base}page={number - 1}" if number > 1 else None,
        "next_url": f"{base}page={number + 1}" if len(rows) > LOG_PER_PAGE else None,
    })


# ---------------------------------------------------------------- reporting


def _report_target(kind: str, object_id):
    if kind in (Case.Kind.POST, Case.Kind.TOPIC) and not str(object_id).isdigit():
        return None, {}
    if kind == Case.Kind.POST:
        post = Post.objects.select_related("topic__board", "author").filter(pk=object_id).first()
        return post, {"post": post}
    if kind == Case.Kind.TOPIC:
        topic = Topic.objects.select_related("board", "author").filter(pk=object_id).first()
        return topic, {"topic": topic}
    member = User.objects.filter(username=object_id, is_active=True).first()
    return member, {"member": member}


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("report")
def report(request, kind, object_id):
    if kind not in Case.Kind.values:
        raise Http404
    target, target_kwargs = _report_target(kind, object_id)
    if target is None:
        raise Http404(_("Nothing to report here."))
    topic = target.topic if kind == Case.Kind.POST else (target if kind == Case.Kind.TOPIC else None)
    if topic is not None and not board_permissions.can_see_topic(request.user, topic):
        raise Http404(_("Nothing to report here."))
    if kind == Case.Kind.POST and not board_permissions.can_see_post_body(
            request.user, target, is_moderator=board_permissions.can_moderate(request.user, topic.board)):
        raise Http404(_("Nothing to report here."))
    refusal = board_permissions.write_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count, period = settings.HEARTH["REPORT_RATE"]
        if not ratelimit.hit("report", request.user.pk, limit=count, period=period):
            form.add_error(None, _("You have sent many reports in a short time. Try again later."))
        else:
            try:
                services.report_create(reporter=request.user, kind=kind, **target_kwargs, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you. The moderators will look at it, and you will hear how "
                                            "it was resolved."))
                return redirect(_target_url(kind, target))
    return render(request, "moderation/report.html", {"form": form, "kind": kind, "target": target,
                                                       "target_url": _target_url(kind, target)})


def _target_url(kind, target) -> str:
    if kind == Case.Kind.POST:
        page = board_selectors.post_page_number(target)
        return f"{links.topic_url(target.topic_id, target.topic.slug, page)}#p{target.pk}"
    if kind == Case.Kind.TOPIC:
        return target.get_absolute_url()
    return target.get_absolute_url()


@login_required
@require_POST
def act_on(request, kind, object_id):
    """A moderator acts from the page itself (lock a topic, hide a post); logged like any action, and an
    open case on the same target is resolved by it."""
    target_kwargs = {}
    if kind == "post":
        post = get_object_or_404(Post.objects.select_related("topic__board", "author"), pk=object_id)
        target_kwargs, back = {"post": post}, _target_url(Case.Kind.POST, post)
    elif kind == "topic":
        topic = get_object_or_404(Topic.objects.select_related("board", "author"), pk=object_id)
        target_kwargs, back = {"topic": topic, "member": topic.author}, topic.get_absolute_url()
    else:
        raise Http404
    try:
        outcome = services.act_directly(actor=request.user, action=request.POST.get("action", ""),
                                        **_action_fields(request), **target_kwargs)
        messages.success(request, _("Done: %(outcome)s") % {"outcome": outcome})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@login_required
@require_GET
def my_reports(request):
    """What the member reported, and how each report was resolved."""
    reports = (request.user.reports_filed.select_related("case__post__topic", "case__topic", "case__member")
               .order_by("-created_at", "-id")[:50])
    for report in reports:
        report.target_url = _case_target_url(report.case)
    return render(request, "moderation/my_reports.html", {"reports": reports})


def _case_target_url(case) -> str:
    if case.post_id:
        return links.post_url(case.post_id)
    if case.topic_id:
        return case.topic.get_absolute_url()
    return links.member_url(case.member.username)
