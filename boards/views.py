"""Reading and writing in the boards: the index, a board, a topic, replying and editing. Each view loads
through a loader or selector, calls at most one service, and renders."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boards import fragments, permissions, selectors, services
from boards.forms import PostEditForm, ReplyForm, TopicForm, add_service_errors, blank_reply_fields_html
from boards.markup import render_markdown
from boards.mentions import mentioned_ids
from boards.presenters import decision_expected, present_topics
from forum import links, ratelimit
from forum.numbers import parse_id
from forum.pagination import PageOutOfRange
from notices.services import notices_mark_topic_read


@require_GET
def board_index(request):
    """The list of boards is the same for every viewer who may see the same boards (a board by rank is
    listed only to those at its rank: boards.permissions.board_visibility_key), but for the empty state,
    which offers staff to create the first board. It is served from a short-lived fragment cache keyed by
    the boards' versions (a change of a board's ranks bumps it), so a write shows at once and only the human
    times ("3 minutes ago") can lag, by at most FRAGMENT_CACHE_SECONDS."""
    def split():
        boards = list(selectors.board_list(request.user))
        return {"active": [b for b in boards if not b.is_archived],
                "archived": [b for b in boards if b.is_archived]}

    return render(request, "boards/board_index.html", {
        "lists": SimpleLazyObject(split),
        "fragment_seconds": settings.HEARTH["FRAGMENT_CACHE_SECONDS"],
        # one cheap aggregate keys the cached list; the joined query runs only when the list changed
        "boards_key": selectors.boards_version_key(),
        "viewer_class": permissions.board_visibility_key(request.user) + ("-staff" if request.user.is_staff else ""),
    })


@require_GET
def board_detail(request, slug):
    board = permissions.board_for_viewer_or_404(request.user, slug)
    featured_only = request.GET.get("featured") == "1"
    try:
        page = selectors.board_topics_info(board=board, page=request.GET.get("page"), featured_only=featured_only)
    except PageOutOfRange as out:
        url = links.board_url(board.slug) + ("?featured=1" if featured_only else "")
        sep = "&" if featured_only else "?"
        return redirect(url if out.number <= 1 else f"{url}{sep}page={out.number}")
    can_start_topic = permissions.can_start_topic(request.user, board)
    # 全局置顶 above the first page of the list (they come from other boards: a fragment of their own)
    moderators_html, pins_html, topics_html = fragments.board_page_html(
        request, board=board, info=page, featured_only=featured_only,
        topics=lambda: selectors.board_topics_rows(board=board, info=page, featured_only=featured_only),
        page_base_url=links.board_url(board.slug) + ("?featured=1" if featured_only else ""),
        with_pins=not featured_only and page.number == 1)
    return render(request, "boards/board_detail.html", {
        "board": board,
        "page": page,
        "moderators_html": moderators_html,
        "pins_html": pins_html,
        "topics_html": topics_html,
        "can_start_topic": can_start_topic,
        "start_refusal": None if can_start_topic or not request.user.is_authenticated
        else permissions.board_rank_refusal(request.user, board, replying=False),
        "can_schedule": permissions.can_schedule_topics(request.user, board),
        "can_moderate_board": permissions.can_moderate(request.user, board),
        "featured_only": featured_only,
    })


@require_GET
def featured(request):
    """精华: the featured topics of every board the viewer may read, newest featured first."""
    try:
        page, topics = selectors.featured_topics_page(viewer=request.user, page=request.GET.get("page"))
    except PageOutOfRange as out:
        url = links.featured_url()
        return redirect(url if out.number <= 1 else f"{url}?page={out.number}")
    return render(request, "boards/featured.html", {
        "page": page,
        "topics": present_topics(topics, selectors.read_positions(member=request.user, topics=topics)),
        "page_base_url": links.featured_url(),
        "show_board": True,
        "featured_only": True,
    })


def _tell_dropped_mentions(request, written) -> None:
    """The writer is told which mentions went past their limit (they stay plain text, and notify nobody)."""
    dropped = getattr(written, "mentions_dropped", None)
    if dropped:
        body_html = written.first_post.body_html if hasattr(written, "first_post") else written.body_html
        messages.warning(request, _("Only the first %(limit)d mentions notify; these stay plain text: %(names)s")
                         % {"limit": len(mentioned_ids(body_html)), "names": ", ".join(f"@{n}" for n in dropped)})


def _tell_held(request, post) -> None:
    """A held post's author is told it waits for a moderator, and when to expect the decision."""
    if post is not None and post.is_awaiting_approval:
        messages.info(request, _("Your post waits for a moderator's approval before others see it.") + " "
                      + decision_expected())


def _preview(request, form) -> str | None:
    """The rendered body when the member asked for a preview (and the form is valid), else None."""
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        return render_markdown(form.cleaned_data["body"])
    return None


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("topic")
def topic_create(request, slug):
    board = permissions.board_for_viewer_or_404(request.user, slug)
    permissions.check_start_topic(request.user, board)
    form = TopicForm(request.POST or None)
    preview_html = _preview(request, form)
    if request.method == "POST" and preview_html is None and form.is_valid():
        try:
            # a double submit comes back as the first one's topic, without spending the rate limit
            topic = services.topic_create(board=board, author=request.user, rate_limit=True, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _tell_dropped_mentions(request, topic)
            _tell_held(request, getattr(topic, "first_post", None))
            return redirect(topic.get_absolute_url())
    return render(request, "boards/topic_create.html", {"board": board, "form": form, "preview_html": preview_html})


@require_GET
def topic_redirect(request, topic_id):
    topic = permissions.topic_for_viewer_or_404(request.user, topic_id)
    return redirect(topic.get_absolute_url(), permanent=True)


@require_GET
def topic_detail(request, topic_id, slug):
    topic = permissions.topic_for_viewer_or_404(request.user, topic_id, with_first_post=True)
    canonical = links.topic_url(topic.pk, topic.slug)
    if slug != topic.slug:
        query = request.META.get("QUERY_STRING")
        return HttpResponseRedirect(f"{canonical}?{query}" if query else canonical)
    try:
        page, posts = selectors.topic_posts_page(topic=topic, page=request.GET.get("page"))
    except PageOutOfRange as out:
        return redirect(links.topic_url(topic.pk, topic.slug, out.number))
    board = topic.board
    user = request.user
    is_moderator = permissions.can_moderate(user, board)
    can_reply = permissions.can_reply(user, topic)
    read = selectors.topic_read(member=user, topic=topic)
    if user.is_authenticated:
        if user.unread_notice_count:  # opening the topic reads what the member was told about it
            notices_mark_topic_read(user=user, topic_key=topic.pk)
        last_on_page = min(page.offset + page.per_page, topic.post_count)
        services.topic_mark_read(member=user, topic=topic, position=last_on_page, known=read,
                                 first_shown=page.offset + 1)

    return render(request, "boards/topic_detail.html", {
        "board": board,
        "topic": topic,
        "page": page,
        "posts_html": fragments.topic_posts_html(request, topic=topic, info=page, posts=posts,
                                                 page_base_url=canonical, can_reply=can_reply),
        "first_unread_url": links.topic_unread_url(topic.pk) if read and read.last_position < topic.post_count
        else None,
        "can_manage": user.is_authenticated and permissions.can_retitle_and_move(user, topic),
        "is_moderator": is_moderator,
        "featured_levels": services.FEATURED_LEVELS,
        "can_pin_forum_wide": permissions.can_pin_forum_wide(user),
        "can_reply": can_reply,
        "reply_refusal": None if can_reply else permissions.posting_refusal(request.user, board, topic),
        "reply_fields_html": blank_reply_fields_html() if can_reply else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("post")
def post_create(request, topic_id):
    topic = permissions.topic_for_viewer_or_404(request.user, topic_id)
    permissions.check_reply(request.user, topic)
    target = request.POST.get("reply_to") or request.GET.get("to") or request.GET.get("quote")
    # a post the member may not read (hidden, held, deleted), or no post at all, is no post to reply to: 404
    reply_to = permissions.readable_post_or_404(request.user, parse_id(target), topic=topic) if target else None
    initial = {"reply_to": reply_to.pk if reply_to else None}
    if request.method == "GET" and "quote" in request.GET and reply_to is not None:
        initial["body"] = selectors.quote_of(reply_to, intro=_("**%(author)s** wrote:")
                                             % {"author": reply_to.author.username})
    form = ReplyForm(request.POST or None, initial=initial)
    preview_html = _preview(request, form)
    if request.method == "POST" and preview_html is None and form.is_valid():
        try:
            # a double submit comes back as the first one's post, without spending the rate limit
            post = services.post_create(topic=topic, author=request.user, body=form.cleaned_data["body"],
                                        reply_to=reply_to, rate_limit=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _tell_dropped_mentions(request, post)
            _tell_held(request, post)
            return redirect(selectors.post_in_page_url(post))
    return render(request, "boards/post_create.html", {
        "board": topic.board, "topic": topic, "form": form, "reply_to": reply_to, "preview_html": preview_html,
    })


@require_GET
def post_redirect(request, post_id):
    post = permissions.post_for_viewer_or_404(request.user, post_id)
    return redirect(selectors.post_in_page_url(post))


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("post")
def post_edit(request, post_id):
    post = permissions.post_for_viewer_or_404(request.user, post_id)
    permissions.check_edit(request.user, post)
    topic = post.topic
    with_title = post.position == 1
    initial = {"body": post.body, "title": topic.title if with_title else ""}
    form = PostEditForm(request.POST or None, initial=initial, with_title=with_title)
    preview_html = _preview(request, form)
    if request.method == "POST" and preview_html is None and form.is_valid():
        try:
            services.post_edit(post=post, editor=request.user, body=form.cleaned_data["body"],
                               title=form.cleaned_data.get("title") if with_title else None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(links.post_url(post.pk))
    return render(request, "boards/post_edit.html", {
        "board": topic.board, "topic": topic, "post": post, "form": form, "preview_html": preview_html,
    })


@login_required
@require_GET
def post_revisions(request, post_id):
    post = permissions.post_for_viewer_or_404(request.user, post_id)
    if not permissions.can_see_revisions(request.user, post.topic.board):
        raise PermissionDenied(_("Only moderators can see earlier versions of a post."))
    if post.deleted_at is not None and not permissions.is_admin(request.user):
        raise PermissionDenied(_("This post was deleted; only admins can see it."))
    return render(request, "boards/post_revisions.html", {
        "board": post.topic.board, "topic": post.topic, "post": post,
        "revisions": post.revisions.select_related("editor").order_by("-created_at", "-id"),
    })
