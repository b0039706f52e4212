"""Per-row values that templates would otherwise compute in a loop (URLs, times, permissions).

Everything here is plain Python over rows the selectors already loaded: no queries.
"""
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards import permissions
from forum import links
from forum.humantime import time_tag
from forum.pagination import num_pages


def present_topics(topics, read_positions=None, *, unread_slot=None):
    """`read_positions`: {topic id: last position read} for a signed-in member (None: a visitor).
    `unread_slot`: for a list shared by every viewer (boards/fragments.py), makes the slot that each
    request fills with the viewer's own "New" or "Unread" tag (UnreadTags)."""
    per_page = settings.HEARTH["POSTS_PER_PAGE"]
    now = timezone.now()
    tags = UnreadTags() if read_positions is not None and unread_slot is None else None
    for topic in topics:
        topic.url = links.topic_url(topic.pk, topic.slug)
        pages = num_pages(topic.post_count, per_page)
        topic.last_page_url = links.topic_url(topic.pk, topic.slug, pages) if pages > 1 else None
        topic.reply_count = max(topic.post_count - 1, 0)
        topic.author_url = links.member_url(topic.author.username)
        topic.last_activity_html = time_tag(topic.last_post_at, now)
        last = topic.last_post
        topic.last_post_url = links.post_url(last.pk) if last else topic.url
        topic.last_author_name = last.author.username if last else topic.author.username
        if unread_slot is not None:
            topic.unread_html = unread_slot(topic)
        elif tags is not None:
            topic.unread_html = tags.html(topic.pk, topic.post_count, read_positions.get(topic.pk))
        else:
            topic.unread_html = ""
    return topics


class UnreadTags:
    """A member's tag beside each topic of a list: "New" when they never opened it, "Unread" (a link to
    the first post they have not read) when posts came since. The words are looked up once a list."""

    def __init__(self):
        self.new = format_html('<span class="tag new">{}</span>', _("New"))
        self.unread = escape(_("Unread"))

    def html(self, topic_id: int, post_count: int, read_position: int | None) -> str:
        if read_position is None:
            return self.new
        if read_position < post_count:
            return mark_safe(f'<a class="tag unread" href="{links.topic_unread_url(topic_id)}">{self.unread}</a>')  # noqa: S308
        return ""


def decision_expected() -> str:
    """When the author of a held post may expect a moderator's decision: within the time after which open
    cases remind the moderators (CASE_REMINDER_HOURS), in the reader's language."""
    hours = settings.HEARTH["CASE_REMINDER_HOURS"]
    if hours <= 24:
        return _("A moderator usually decides within a day.")
    if hours % 24 == 0:
        return ngettext("A moderator usually decides within %(count)d day.",
                        "A moderator usually decides within %(count)d days.", hours // 24) % {"count": hours // 24}
    return ngettext("A moderator usually decides within %(count)d hour.",
                    "A moderator usually decides within %(count)d hours.", hours) % {"count": hours}


class PostControls:
    """A viewer's own controls under each post (like, reply, quote, edit, report): what differs between
    two members who otherwise see the same post list. Built here rather than in the template, once per
    post and request, so that the rest of the list can be shared (boards/fragments.py): what depends only
    on the viewer and the topic is asked once. A post needs its state, author id, time and like count (and
    for a moderator its author's role); `liked_ids`: the posts the viewer likes."""

    PK, AFTER = "\x00", "\x01"  # stand-ins in self.usual: no URL, word or token holds these characters

    def __init__(self, *, viewer, topic, is_moderator: bool, can_reply: bool, liked_ids=frozenset(),
                 csrf_token: str = ""):
        self.viewer = viewer
        self.topic = topic
        self.is_moderator = is_moderator
        self.can_reply = can_reply
        self.liked_ids = liked_ids
        self.may_write = viewer.is_authenticated and permissions.write_refusal(viewer) is None
        self.csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
        self.reply_base = links.reply_url(topic.pk)
        self.like_count_title = escape(_("Likes"))
        self.like_labels = {True: ("unlike", "true", "♥ " + escape(_("Liked"))),
                            False: ("like", "false", "♡ " + escape(_("Like")))}
        self.reply, self.quote = escape(_("Reply")), escape(_("Quote"))
        self.edit, self.report = escape(_("Edit")), escape(_("Report"))
        # Most posts on a page are someone else's, readable, for a member who may like, reply and report:
        # their controls differ only by the post's id and the like and its count, so they are made from
        # one string with PK and AFTER standing in for those.
        self.usual = None
        if self.may_write and can_reply and not is_moderator:
            self.usual = {liked: "\n".join([self._like(self.PK, liked, self.AFTER), self._reply_and_quote(self.PK),
                                            self._report(self.PK)])
                          for liked in self.like_labels}

    def _like(self, pk, liked: bool, after: str) -> str:
        value, pressed, label = self.like_labels[liked]
        return (f'<li><form method="post" action="{links.post_page_url("boards:post_like", pk)}" '
                f'class="inline-form">{self.csrf_input}<button type="submit" name="action" value="{value}" '
                f'class="link-button like-button" aria-pressed="{pressed}">{label}</button></form>{after}</li>')

    def _reply_and_quote(self, pk) -> str:
        return (f'<li><a href="{self.reply_base}?to={pk}">{self.reply}</a></li>\n'
                f'<li><a href="{self.reply_base}?quote={pk}">{self.quote}</a></li>')

    def _report(self, pk) -> str:
        return f'<li><a class="report-link" href="{links.report_url("post", pk)}">{self.report}</a></li>'

    def html(self, post) -> str:
        viewer = self.viewer
        post.topic = self.topic  # already loaded with its board: no query per post
        pk = post.pk
        own = viewer.is_authenticated and post.author_id == viewer.pk
        open_ = not post.is_hidden and not post.is_awaiting_approval
        count = post.like_count
        after = f' <span class="like-count">{count}</span>' if count else ""
        if self.usual is not None and open_ and not own and post.deleted_at is None:
            return mark_safe(self.usual[pk in self.liked_ids].replace(self.AFTER, after)  # noqa: S308
                             .replace(self.PK, str(pk)))
        parts = []
        if self.may_write and not own and open_:
            parts.append(self._like(pk, pk in self.liked_ids, after))
        elif count:
            parts.append(f'<li><span class="like-count" title="{self.like_count_title}">♥ {count}</span></li>')
        shown = permissions.can_see_post_body(viewer, post, is_moderator=self.is_moderator)
        if self.can_reply and shown and open_:
            parts.append(self._reply_and_quote(pk))
        # only its author and moderators may ever edit a post: ask the rules for no one else's
        if (own or self.is_moderator) and permissions.can_edit(viewer, post):
            parts.append(f'<li><a href="{links.post_page_url("boards:post_edit", pk)}">{self.edit}</a></li>')
        if self.may_write and not own and shown:
            parts.append(self._report(pk))
        return mark_safe("\n".join(parts))  # noqa: S308 - numbers, our URLs and our escaped words


def present_posts(posts, *, topic, is_moderator: bool, is_admin: bool, controls, own_of=None):
    """What a post list shows of each post, the same for every viewer of a class (`is_moderator` of the
    topic's board, `is_admin`), but for `post.controls = controls(post)` (a viewer's own controls, or a
    slot for them). `own_of`: the viewer whose own hidden or held posts are shown to them (a list that is
    theirs alone, never shared); None for a list shared by the class."""
    now = timezone.now()
    decision = None
    for post in posts:
        post.topic = topic  # already loaded with its board: no query per post
        post.permalink = links.post_url(post.pk)
        post.anchor = f"p{post.pk}"
        post.author_url = links.member_url(post.author.username)
        post.created_html = time_tag(post.created_at, now)
        post.edited_html = time_tag(post.edited_at, now) if post.edited_at else ""
        post.shown = (permissions.can_see_post_body(own_of, post, is_moderator=is_moderator) if own_of is not None
                      else permissions.class_sees_post_body(post, is_moderator=is_moderator, is_admin=is_admin))
        if own_of is not None and post.is_awaiting_approval and post.author_id == own_of.pk:
            decision = decision or decision_expected()  # its author: when to expect a decision
            post.decision_note = decision
        else:
            post.decision_note = ""
        post.is_deleted = post.deleted_at is not None
        post.can_restore = post.is_deleted and is_admin
        post.moderate_url = (links.post_page_url("moderation:post_approve", post.pk)
                             if is_moderator and post.is_awaiting_approval else None)
        rank = post.author.rank
        post.rank_name = rank.name if rank else ""
        post.rank_colour = rank.badge_colour if rank else ""
        post.revisions_url = (links.post_page_url("boards:post_revisions", post.pk)
                              if is_moderator and post.edit_count and post.shown
                              else None)
        parent = post.reply_to
        if parent is not None:
            post.reply_to_url = links.post_url(parent.pk)
            post.reply_to_name = parent.author.username
        post.controls = controls(post)
    return posts
