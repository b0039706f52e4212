"""sitemap.xml (django.contrib.sitemaps): the boards and every topic a visitor may read, with their last
activity. /sitemap.xml is the index; it names /sitemap-boards.xml and
/sitemap-topics.xml, the latter paged (?p=2 …) past 5,000 topics. Crawlers are visitors, whoever asks:
a board by rank and its topics are never listed."""
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap

from boards.models import Board, Topic
from boards.permissions import visible_boards_q

VISITOR = AnonymousUser()


class BoardSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return (Board.objects.filter(visible_boards_q(VISITOR)).select_related("last_post")
                .order_by("position", "id"))

    def lastmod(self, item):
        return item.last_post.created_at if item.last_post else item.created_at


class TopicSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (Topic.objects.visible()
                .filter(visible_boards_q(VISITOR, "board"), first_post__is_awaiting_approval=False)
                .only("id", "slug", "last_post_at").order_by("id"))

    def lastmod(self, item):
        return item.last_post_at


SITEMAPS = {"boards": BoardSitemap, "topics": TopicSitemap}
