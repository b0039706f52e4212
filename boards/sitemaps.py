"""sitemap.xml (django.contrib.sitemaps): the boards and every topic a visitor may read, with their last
activity. /sitemap.xml is the index; it names /sitemap-boards.xml and
/sitemap-topics.xml, the latter paged (?p=2 …) past 5,000 topics. Crawlers are visitors, whoever asks:
a board by rank and its topics are never listed."""
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from boards.models import Board, Post, Topic
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
        # topics whose first post waits for approval are left out with an anti-join against the few held
        # posts (a small partial index), not by reading every topic's first post
        held = Post.objects.filter(is_awaiting_approval=True).values("pk")
        return (Topic.objects.visible().filter(visible_boards_q(VISITOR, "board"), first_post__isnull=False)
                .exclude(first_post__in=held)
                .only("id", "slug", "last_post_at").order_by("id"))

    def lastmod(self, item):
        return item.last_post_at

    def get_latest_lastmod(self):
        """For the index: one aggregate, instead of Django's default of loading every topic to take the max."""
        return self.items().order_by().aggregate(latest=Max("last_post_at"))["latest"]


SITEMAPS = {"boards": BoardSitemap, "topics": TopicSitemap}
