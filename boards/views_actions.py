"""Small actions on posts and topics: likes, and jumping to the first unread post."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import permissions, selectors, services
from forum import ratelimit


@login_required
@require_POST
@ratelimit.limit("like")
def post_like(request, post_id):
    post = permissions.post_for_viewer_or_404(request.user, post_id)
    count, period = settings.HEARTH["LIKE_RATE"]
    if not ratelimit.hit("like", request.user.pk, limit=count, period=period):
        messages.error(request, _("You are liking posts too quickly. Wait a minute and try again."))
        return redirect(selectors.post_in_page_url(post))
    try:
        if request.POST.get("action") == "unlike":
            services.post_unlike(member=request.user, post=post)
        else:
            services.post_like(member=request.user, post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(selectors.post_in_page_url(post))


@login_required
@require_GET
def topic_unread(request, topic_id):
    """Jump to the first post the member has not read yet."""
    topic = permissions.topic_for_viewer_or_404(request.user, topic_id)
    post = selectors.first_unread_post(member=request.user, topic=topic)
    if post is None:
        return redirect(topic.get_absolute_url())
    post.topic = topic
    return redirect(selectors.post_in_page_url(post))
