from django.db import models


class BoardQuerySet(models.QuerySet):
    def moderated_by(self, user):
        """The boards `user` moderates: all of them for admins and global moderators, their appointed
        boards for board moderators, none for everyone else. The one place this filter is written."""
        from_flags = user.is_authenticated and user.is_active
        if from_flags and (user.is_superuser or user.is_global_moderator):
            return self
        if not (from_flags and user.is_board_moderator):
            return self.none()
        return self.filter(moderators__member_id=user.pk)


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def featured(self):
        """精华 topics, newest featured first (on the partial indexes for the lists)."""
        return self.filter(featured_level__gt=0).order_by("-featured_at", "-id")

    def for_list(self):
        # the last post is shown by its author and link only: leave its text in the database
        return (self.select_related("author", "last_post__author")
                .defer("last_post__body", "last_post__body_html")
                .order_by("-is_pinned", "-last_post_at", "-id"))


POST_FIELDS = ["id", "topic_id", "author_id", "position", "body", "body_html", "reply_to_id", "created_at",
               "edited_at", "edit_count", "is_hidden", "hidden_reason", "is_awaiting_approval", "like_count",
               "deleted_at", "moderator_edited_at", "cleared_at"]
# what the role checks read of a post's author (boards.permissions.role_level): no query per post
AUTHOR_ROLE_FIELDS = ["author__is_active", "author__is_superuser", "author__is_global_moderator",
                      "author__is_board_moderator"]


class PostQuerySet(models.QuerySet):
    def for_display(self):
        # the post replied to is shown as a link with its author's name: leave its text in the database
        # of the joined rows, load only what a post shows: author name and rank badge, the name of the
        # member replied to (a user row has some 50 columns; compiling and loading them all cost more
        # than the query)
        return (self.select_related("author__rank", "reply_to__author")
                .only(*POST_FIELDS, *AUTHOR_ROLE_FIELDS, "author__username", "author__rank__name",
                      "author__rank__badge_colour",
                      "reply_to__id", "reply_to__author__username")
                .order_by("position"))

    def public(self):
        return self.filter(is_hidden=False, is_awaiting_approval=False, deleted_at__isnull=True, topic__is_hidden=False)
