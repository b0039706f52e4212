from django.db import models


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def for_list(self):
        # the last post is shown by its author and link only: leave its text in the database
        return (self.select_related("author", "last_post__author")
                .defer("last_post__body", "last_post__body_html")
                .order_by("-is_pinned", "-last_post_at", "-id"))


class PostQuerySet(models.QuerySet):
    def for_display(self):
        # the post replied to is shown as a link with its author's name: leave its text in the database
        return (self.select_related("author__rank", "reply_to__author")
                .defer("reply_to__body", "reply_to__body_html")
                .order_by("position"))

    def public(self):
        return self.filter(is_hidden=False, is_awaiting_approval=False, deleted_at__isnull=True, topic__is_hidden=False)
