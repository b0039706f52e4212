from django.db import models


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def for_list(self):
        return self.select_related("author", "last_post__author").order_by("-is_pinned", "-last_post_at", "-id")


class PostQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("author", "reply_to__author").order_by("position")

    def public(self):
        return self.filter(is_hidden=False, topic__is_hidden=False)
