"""sitemap.xml (django.contrib.sitemaps): the boards and every topic a visitor may read, with their last
activity. /sitemap.xml is the index; it names /sitemap-boards.xml and
/sitemap-topics.xml, the latter paged (?p=2 …) past 5,000 topics."""
from django.contrib.sitemaps import Sitemap

from boards.models import Board, Topic


class BoardSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Board.objects.select_related("last_post").order_by("position", "id")

    def lastmod(self, item):
        return item.last_post.created_at if item.last_post else item.created_at


class TopicSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (Topic.objects.visible().filter(first_post__is_awaiting_approval=False)
                .only("id", "slug", "last_post_at").order_by("id"))

    def lastmod(self, item):
        return item.last_post_at


SITEMAPS = {"boards": BoardSitemap, "topics": TopicSitemap}
