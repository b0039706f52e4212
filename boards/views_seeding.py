"""Keeping the forum fresh: the admins' freshness page and the scheduled seed topics."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from boards import freshness, permissions, selectors, services
from boards.forms import MoveTopicsForm, ScheduledTopicForm, SnoozeForm, add_service_errors
from boards.models import Board, ScheduledTopic


def _check_admin(user) -> None:
    permissions.check_admin(user, _("Only admins can see the forum's freshness."))


@login_required
@require_http_methods(["GET"])
def freshness_overview(request):
    _check_admin(request.user)
    launch = freshness.in_launch_phase()
    return render(request, "boards/freshness.html", {
        "rows": freshness.board_freshness(freshness.today(), launch=launch),
        "launch_phase": launch,
        "reminders": freshness.recent_reminders(),
        "snooze_form": SnoozeForm(),
        "focus": selectors.focus_advice(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def board_move_topics(request, board_id):
    """Move every topic of a board into another: the form, then a page to confirm, then the move."""
    permissions.check_admin(request.user, _("Only admins can move all of a board's topics."))
    source = get_object_or_404(Board, pk=board_id)
    form = MoveTopicsForm(request.POST or None, source=source)
    context = {"source": source, "form": form, "summary": selectors.board_move_summary(source)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirmed"]:
            return render(request, "boards/board_move_confirm.html", context)
        try:
            moved = services.board_topics_move(source=source, target=data["target"], actor=request.user,
                                               archive=data["archive"], reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = ngettext("Moved %(n)d topic from %(source)s into %(target)s.",
                               "Moved %(n)d topics from %(source)s into %(target)s.", moved.topics) % {
                "n": moved.topics, "source": moved.source.name, "target": moved.target.name}
            if moved.archived:
                message += " " + _("%(board)s is archived.") % {"board": moved.source.name}
            messages.success(request, message)
            return redirect("boards:freshness")
    return render(request, "boards/board_move_topics.html", context)


@login_required
@require_POST
def board_snooze(request, board_id):
    _check_admin(request.user)
    board = get_object_or_404(Board, pk=board_id)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        freshness.snooze_board(board=board, days=form.cleaned_data["days"], by=request.user)
        if form.cleaned_data["days"]:
            messages.success(request, _("Reminders for %(board)s are snoozed until %(day)s.")
                             % {"board": board.name, "day": board.reminders_snoozed_until})
        else:
            messages.success(request, _("Reminders for %(board)s are on again.") % {"board": board.name})
    else:
        messages.error(request, " ".join(form.errors["days"]))
    return redirect("boards:freshness")


def _check_scheduler(user) -> None:
    if not permissions.can_schedule_topics(user):
        raise PermissionDenied(_("Only admins and board moderators can schedule seed topics."))


@login_required
@require_http_methods(["GET"])
def scheduled_list(request):
    _check_scheduler(request.user)
    items = selectors.scheduled_topics(request.user)
    pending = list(items.filter(published_at__isnull=True).order_by("publish_at", "id"))
    for item in pending:
        item.can_edit = permissions.can_edit_scheduled(request.user, item)
    return render(request, "boards/scheduled_list.html", {
        "pending": pending,
        "published": items.filter(published_at__isnull=False).order_by("-published_at", "-id")[:20],
    })


def _scheduled_form_view(request, item: ScheduledTopic | None):
    initial = {"board": request.GET.get("board")} if item is None else {
        "board": item.board_id, "title": item.title, "body": item.body, "publish_at": item.publish_at}
    form = ScheduledTopicForm(request.POST or None, boards=selectors.seedable_boards(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                services.scheduled_topic_create(author=request.user, **form.cleaned_data)
                messages.success(request, _("The topic is scheduled."))
            else:
                services.scheduled_topic_update(item=item, editor=request.user, **form.cleaned_data)
                messages.success(request, _("The scheduled topic is saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("boards:scheduled_list")
    return render(request, "boards/scheduled_form.html", {"form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def scheduled_create(request):
    _check_scheduler(request.user)
    return _scheduled_form_view(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def scheduled_edit(request, item_id):
    return _scheduled_form_view(request, permissions.scheduled_item_for_editor_or_404(request.user, item_id))


@login_required
@require_POST
def scheduled_delete(request, item_id):
    item = permissions.scheduled_item_for_editor_or_404(request.user, item_id)
    services.scheduled_topic_delete(item=item, by=request.user)
    messages.success(request, _("The scheduled topic is deleted."))
    return redirect("boards:scheduled_list")
