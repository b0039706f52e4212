"""RSS and Atom (django.contrib.syndication): the latest topics of the forum and of each board, and each
topic's posts. Only what everyone may read (hidden, held and deleted content never appears), in the boards
the reader may see: a board by rank and its topics do not exist in a feed for those below its rank."""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from boards.models import Board, Post, Topic
from boards.permissions import board_for_viewer_or_404, topic_for_viewer_or_404, visible_boards_q
from forum import links

FEED_ITEMS = 30


@dataclass(frozen=True)
class Scope:
    """Who reads the forum-wide feed (a feed object is shared by every request: the reader travels here)."""

    viewer: object


def _topics():
    return (Topic.objects.visible().filter(first_post__is_awaiting_approval=False, first_post__deleted_at__isnull=True,
                                           first_post__is_hidden=False)
            .select_related("author", "first_post", "board").order_by("-created_at", "-id"))


class LatestTopicsFeed(Feed):
    description_template = None

    def get_object(self, request, *args, **kwargs):
        return Scope(viewer=request.user)

    def title(self, obj):
        return _("%(site)s: latest topics") % {"site": settings.HEARTH["SITE_NAME"]}

    def link(self, obj):
        return "/"

    def description(self, obj):
        return _("The newest topics on %(site)s.") % {"site": settings.HEARTH["SITE_NAME"]}

    def items(self, obj):
        return _topics().filter(visible_boards_q(obj.viewer, "board"))[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.first_post.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.author.username

    def item_pubdate(self, item):
        return item.created_at


class LatestTopicsAtom(LatestTopicsFeed):
    feed_type = Atom1Feed
    subtitle = LatestTopicsFeed.description


class BoardTopicsFeed(LatestTopicsFeed):
    def get_object(self, request, slug):
        return board_for_viewer_or_404(request.user, slug)

    def title(self, obj: Board):
        return f"{obj.name} · {settings.HEARTH['SITE_NAME']}"

    def link(self, obj: Board):
        return obj.get_absolute_url()

    def description(self, obj: Board):
        return Truncator(obj.description).chars(300)

    def items(self, obj: Board):
        return _topics().filter(board=obj)[:FEED_ITEMS]  # a board the reader may see (get_object)


class BoardTopicsAtom(BoardTopicsFeed):
    feed_type = Atom1Feed
    subtitle = BoardTopicsFeed.description


class TopicPostsFeed(Feed):
    def get_object(self, request, topic_id):
        topic = topic_for_viewer_or_404(request.user, topic_id)
        if topic.is_hidden:  # even for the moderators who see it on its page
            raise Http404(_("No such topic."))
        return topic

    def title(self, obj: Topic):
        return f"{obj.title} · {settings.HEARTH['SITE_NAME']}"

    def link(self, obj: Topic):
        return obj.get_absolute_url()

    def description(self, obj: Topic):
        return _("Posts in “%(title)s”.") % {"title": obj.title}

    def items(self, obj: Topic):
        return Post.objects.public().filter(topic=obj).select_related("author").order_by("-position")[:FEED_ITEMS]

    def item_title(self, item):
        return _("#%(n)d by %(author)s") % {"n": item.position, "author": item.author.username}

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return links.post_url(item.pk)

    def item_author_name(self, item):
        return item.author.username

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at


class TopicPostsAtom(TopicPostsFeed):
    feed_type = Atom1Feed
    subtitle = TopicPostsFeed.description


# the views boards/urls.py routes to, through forum.lazy.lazy_view: this module (with Django's syndication
# framework and its XML writer) loads with the first feed request, not in every web worker
latest_topics = LatestTopicsFeed()
latest_topics_atom = LatestTopicsAtom()
board_topics = BoardTopicsFeed()
board_topics_atom = BoardTopicsAtom()
topic_posts = TopicPostsFeed()
topic_posts_atom = TopicPostsAtom()
