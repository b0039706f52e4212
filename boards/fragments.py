"""The lists of the board and topic pages, rendered once per viewer class and shared through the cache
(forum/fragments.py); each request fills in its viewer's own controls and "New"/"Unread" tags.

A key names everything a list shows: the topic's or board's version (every write that changes the list
bumps it), the page, the viewer class (boards.permissions.viewer_class: visitor, member, moderator of
the board, admin), the language and the time zone. The human times in a list ("3 minutes ago") may lag by
up to FRAGMENT_CACHE_SECONDS. A member who wrote a held or hidden post on the page sees it otherwise than
their class: that list is rendered for them alone and never cached.
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

from boards import permissions, selectors
from boards.presenters import PostControls, UnreadTags, present_posts, present_topics
from forum.fragments import fill, fragment, fragments, unshared


def _key(*parts) -> str:
    return ":".join(str(p) for p in ("lists", *parts, translation.get_language(),
                                      timezone.get_current_timezone_name()))


def _nothing(kind: str, args: list[str]) -> str:
    return ""


def _post_slot(slots, post):
    """The slot of a post's controls, carrying what they are decided on (the state of the post as this
    list shows it): id, author, creation time, hidden, held, deletion and moderator's edit times, likes."""
    def stamp(value):
        return f"{value.timestamp():.6f}" if value is not None else "-"
    return slots("post", post.pk, post.author_id or 0, stamp(post.created_at), int(post.is_hidden),
                 int(post.is_awaiting_approval), stamp(post.deleted_at), stamp(post.moderator_edited_at),
                 post.like_count)


@dataclass(slots=True)
class ShownPost:
    """A post as a cached list shows it: what its controls are decided on (boards.presenters.PostControls
    and the permission checks it asks read only these)."""

    pk: int
    topic: object
    author_id: int | None
    created_at: datetime
    is_hidden: bool
    is_awaiting_approval: bool
    deleted_at: datetime | None
    moderator_edited_at: datetime | None
    like_count: int
    author: object = None  # for a moderator's checks: the author's role (selectors.post_authors)


def _post_of_slot(args: list[str], topic) -> ShownPost:
    """The post a slot carries (_post_slot)."""
    def when(text):
        return None if text == "-" else datetime.fromtimestamp(float(text), tz=UTC)
    pk, author_id, created, hidden, held, deleted, moderator_edited, likes = args
    return ShownPost(int(pk), topic, int(author_id) or None, when(created), hidden == "1", held == "1",
                     when(deleted), when(moderator_edited), int(likes))


def topic_posts_html(request, *, topic, info, posts, page_base_url: str, can_reply: bool):
    """The page's posts as `request.user` sees them. `posts`: the page's query for display, run only
    when the list is rendered."""
    user = request.user
    klass = permissions.viewer_class(user, topic.board)
    is_admin = klass == permissions.ADMIN_CLASS
    is_moderator = is_admin or klass == permissions.MODERATOR_CLASS
    key = _key("posts", topic.pk, topic.version, info.number, klass)

    rendered = []  # the posts, when this request rendered the list

    def render(slots, *, own_of=None) -> str:
        if klass == permissions.VISITOR_CLASS:  # no controls but the like counts: rendered into the list
            controls = PostControls(viewer=user, topic=topic, is_moderator=False, can_reply=False).html
        else:
            def controls(post):
                return _post_slot(slots, post)
        rows = present_posts(list(posts), topic=topic, is_moderator=is_moderator, is_admin=is_admin,
                             controls=controls, own_of=own_of)
        rendered[:] = rows
        return render_to_string("boards/_post_list.html", {
            "posts": rows, "page": info, "page_base_url": page_base_url, "is_moderator": is_moderator,
            "csrf_token": slots.csrf_token})

    made = fragment(key, render)
    if klass == permissions.VISITOR_CLASS:
        return fill(made, _nothing, request)
    shown = {int(args[0]): _post_of_slot(args, topic) for args in made.slot_args("post")}
    if any(permissions.sees_own_post_apart(user, post) for post in shown.values()):
        # their own held or hidden post shows to them otherwise than to their class: a list of their own
        made = unshared(lambda slots: render(slots, own_of=user))
        shown = {int(args[0]): _post_of_slot(args, topic) for args in made.slot_args("post")}
    if is_moderator:  # whether they may edit a post depends on its author's role: one query for all
        authors = ({post.author_id: post.author for post in rendered} if rendered
                   else selectors.post_authors({post.author_id for post in shown.values()}))
        permissions.prime_moderated_boards(authors.values())
        for post in shown.values():
            post.author = authors.get(post.author_id)
    controls = PostControls(viewer=user, topic=topic, is_moderator=is_moderator, can_reply=can_reply,
                            # a post nobody likes is not one the member likes: ask only of the others
                            liked_ids=selectors.liked_post_ids(
                                member=user, post_ids=[pk for pk, post in shown.items() if post.like_count]),
                            csrf_token=get_token(request))
    return fill(made, lambda kind, args: controls.html(shown[int(args[0])]), request)


def board_page_html(request, *, board, info, topics, featured_only: bool, page_base_url: str,
                    with_pins: bool) -> tuple[str, str, str]:
    """The board's moderators, the forum-wide pins above its list (`with_pins`: on its first page) and the
    page's topics, with the member's "New" and "Unread" tags: (moderators, pins, topics) HTML, from one ask
    of the cache. `topics`: makes the page's query, called only when the list is rendered.

    The pins come from every board the viewer may see: they are keyed by what decides which boards those are
    (boards.permissions.board_visibility_key) and by every board's version (selectors.boards_version_key:
    pinning, hiding, retitling, a new post, a change of a board's ranks, each bumps one)."""
    user = request.user
    renders = {
        _key("moderators", board.pk, board.version): lambda slots: render_to_string(
            "boards/_board_moderators.html", {"moderators": selectors.board_moderators(board=board)}),
        _key("topics", board.pk, board.version, info.number, int(featured_only),
             permissions.viewer_class(user, board)): lambda slots: render_to_string("boards/_topic_list.html", {
                 "topics": present_topics(list(topics()), unread_slot=lambda topic: _unread_slot(slots, topic)),
                 "board": board, "page": info, "page_base_url": page_base_url, "featured_only": featured_only}),
    }
    if with_pins:
        renders[_key("pins", selectors.boards_version_key(), permissions.board_visibility_key(user), board.pk)] = (
            lambda slots: _pins_html(slots, selectors.forum_pins(viewer=user, board=board)))
    made = list(fragments(renders).values())
    if not user.is_authenticated:
        filled = [fill(one, _nothing, request) for one in made]
    else:
        listed = [int(args[0]) for one in made for args in one.slot_args("unread")]
        read = selectors.read_positions(member=user, topic_ids=listed)
        tags = UnreadTags()
        filled = [fill(one, lambda kind, args: tags.html(int(args[0]), int(args[1]), read.get(int(args[0]))),
                       request) for one in made]
    moderators, topics_html = filled[0], filled[1]
    return moderators, (filled[2] if with_pins else ""), topics_html


def _unread_slot(slots, topic):
    return slots("unread", topic.pk, topic.post_count)


def _pins_html(slots, pins) -> str:
    if not pins:
        return ""
    return render_to_string("boards/_forum_pins.html", {
        "forum_pins": present_topics(pins, unread_slot=lambda topic: _unread_slot(slots, topic))})
