"""Per-row values that templates would otherwise compute in a loop (URLs, times, permissions).

Everything here is plain Python over rows the selectors already loaded: no queries.
"""
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards import permissions
from forum import links
from forum.humantime import time_tag
from forum.pagination import num_pages


def present_topics(topics, read_positions=None):
    """`read_positions`: {topic id: last position read} for a signed-in member (None: a visitor)."""
    per_page = settings.HEARTH["POSTS_PER_PAGE"]
    now = timezone.now()
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
        if read_positions is not None:
            read = read_positions.get(topic.pk)
            topic.is_new = read is None
            topic.is_unread = read is not None and read < topic.post_count
            topic.unread_url = links.topic_unread_url(topic.pk) if topic.is_unread else None
    return topics


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


def present_posts(posts, *, viewer, topic, is_moderator: bool, can_reply: bool, liked_ids=frozenset()):
    now = timezone.now()
    may_write = viewer.is_authenticated and permissions.write_refusal(viewer) is None
    is_admin = permissions.is_admin(viewer)
    reply_base = links.reply_url(topic.pk)
    decision = None
    for post in posts:
        post.topic = topic  # already loaded with its board: no query per post
        post.permalink = links.post_url(post.pk)
        post.anchor = f"p{post.pk}"
        post.author_url = links.member_url(post.author.username)
        post.created_html = time_tag(post.created_at, now)
        post.edited_html = time_tag(post.edited_at, now) if post.edited_at else ""
        post.shown = permissions.can_see_post_body(viewer, post, is_moderator=is_moderator)
        post.liked = post.pk in liked_ids
        post.can_like = (may_write and post.author_id != viewer.pk and not post.is_hidden
                         and not post.is_awaiting_approval)
        post.like_url = links.post_page_url("boards:post_like", post.pk)
        post.report_url = (links.report_url("post", post.pk) if may_write and post.author_id != viewer.pk
                           and post.shown else None)
        if post.is_awaiting_approval and post.author_id == viewer.pk:  # its author: when to expect a decision
            decision = decision or decision_expected()
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
        post.can_edit = permissions.can_edit(viewer, post) if viewer.is_authenticated else False
        post.edit_url = links.post_page_url("boards:post_edit", post.pk) if post.can_edit else None
        post.revisions_url = (links.post_page_url("boards:post_revisions", post.pk)
                              if is_moderator and post.edit_count and post.shown
                              else None)
        replyable = can_reply and not post.is_hidden and not post.is_awaiting_approval
        post.reply_url = f"{reply_base}?to={post.pk}" if replyable else None
        post.quote_url = f"{reply_base}?quote={post.pk}" if replyable else None
        parent = post.reply_to
        if parent is not None:
            post.reply_to_url = links.post_url(parent.pk)
            post.reply_to_name = parent.author.username
    return posts
