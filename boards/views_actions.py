"""Small POST actions on posts and topics: likes, approving held posts, retitling and moving."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import links, permissions, selectors, services
from boards.forms import TitleField, add_service_errors
from boards.models import Board, Post, Topic
from forum import ratelimit


def _post_or_404(request, post_id) -> Post:
    post = Post.objects.select_related("topic__board", "author").filter(pk=post_id).first()
    if post is None or not permissions.can_see_topic(request.user, post.topic):
        raise Http404(_("No such post."))
    return post


def _back_to(post: Post):
    return redirect(f"{links.topic_url(post.topic_id, post.topic.slug, selectors.post_page_number(post))}#p{post.pk}")


@login_required
@require_POST
@ratelimit.limit("like")
def post_like(request, post_id):
    post = _post_or_404(request, post_id)
    count, period = settings.HEARTH["LIKE_RATE"]
    if not ratelimit.hit("like", request.user.pk, limit=count, period=period):
        messages.error(request, _("You are liking posts too quickly. Wait a minute and try again."))
        return _back_to(post)
    try:
        if request.POST.get("action") == "unlike":
            services.post_unlike(member=request.user, post=post)
        else:
            services.post_like(member=request.user, post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to(post)


@login_required
@require_POST
def post_approve(request, post_id):
    post = _post_or_404(request, post_id)
    if not permissions.can_moderate(request.user, post.topic.board):
        raise PermissionDenied(_("Only this board's moderators can approve its posts."))
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
        return redirect("boards:approval_queue")
    return _back_to(post)


@login_required
@require_GET
def approval_queue(request):
    if not (permissions.is_global_moderator(request.user) or request.user.moderated_board_ids):
        raise PermissionDenied(_("Only moderators can see posts waiting for approval."))
    posts = selectors.awaiting_approval(viewer=request.user)
    for post in posts:
        post.permalink = links.post_url(post.pk)
    return render(request, "boards/approval_queue.html", {"posts": posts})


@login_required
@require_GET
def topic_unread(request, topic_id):
    """Jump to the first post the member has not read yet."""
    topic = selectors.topic_for_viewer(topic_id=topic_id, viewer=request.user)
    if topic is None:
        raise Http404(_("No such topic."))
    read = selectors.topic_read(member=request.user, topic=topic)
    position = min((read.last_position if read else 0) + 1, topic.post_count)
    post = Post.objects.filter(topic=topic, position=position).only("id", "position").first()
    if post is None:
        return redirect(topic.get_absolute_url())
    page = selectors.post_page_number(post)
    return redirect(f"{links.topic_url(topic.pk, topic.slug, page)}#p{post.pk}")


class TopicManageForm(forms.Form):
    title = TitleField()
    board = forms.ModelChoiceField(label=gettext_lazy("Board"), queryset=Board.objects.none(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(is_archived=False).order_by("position", "id")


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("move", member=True)
def topic_manage(request, topic_id):
    topic = get_object_or_404(Topic.objects.select_related("board"), pk=topic_id)
    if not permissions.can_see_topic(request.user, topic):
        raise Http404(_("No such topic."))
    if not permissions.can_retitle_and_move(request.user, topic):
        raise PermissionDenied(_("Moderators, and Veterans in boards they are active in, can retitle and move "
                                 "topics."))
    form = TopicManageForm(request.POST or None, initial={"title": topic.title, "board": topic.board_id})
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_retitle_move(topic=topic, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The topic is saved."))
            return redirect(topic.get_absolute_url())
    return render(request, "boards/topic_manage.html", {"topic": topic, "board": topic.board, "form": form})
