from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from boards import permissions as board_permissions
from members.models import User
from members.permissions import check_can_write
from notices import services as notice_services
from notifications import selectors, services
from notifications.forms import PreferencesForm


def _set_level(request, setter, target, saved: str):
    """Save how the member follows `target` (a topic or a board) and go back to it."""
    check_can_write(request.user)
    try:
        setter(request.user, target, request.POST.get("level", ""))
        messages.success(request, saved)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(target.get_absolute_url())


@login_required
@require_POST
def watch_topic(request, topic_id):
    topic = board_permissions.topic_for_viewer_or_404(request.user, topic_id)
    return _set_level(request, lambda member, topic, level: services.topic_watch_set(
        member=member, topic=topic, level=level), topic, _("Saved: how you follow this topic."))


@login_required
@require_POST
def watch_board(request, slug):
    board = board_permissions.board_for_viewer_or_404(request.user, slug)
    return _set_level(request, lambda member, board, level: services.board_watch_set(
        member=member, board=board, level=level), board, _("Saved: how you follow this board."))


@login_required
@require_POST
def mute_member(request, username):
    other = User.objects.filter(username=username, is_active=True).first()
    if other is None:
        raise Http404(_("No such member."))
    check_can_write(request.user)
    try:
        mute = services.member_mute(member=request.user, other=other, mute=request.POST.get("mute") == "1")
        messages.success(request, _("You will hear nothing from %(name)s.") % {"name": other.username} if mute
                         else _("You hear from %(name)s again.") % {"name": other.username})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(other.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    preferences = notice_services.preferences_for([request.user.pk])[request.user.pk]
    form = PreferencesForm(request.POST or None, preferences=preferences)
    if request.method == "POST" and form.is_valid():
        notice_services.preferences_save(member=request.user, email=form.email_choices(),
                                         digest_hour=form.cleaned_data["digest_hour"],
                                         watch_replied_topics=form.cleaned_data["watch_replied_topics"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, **selectors.followed(request.user)})
