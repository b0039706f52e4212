from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Django's app registry must be ready before these load
        from django.db.models.signals import post_migrate

        from boards import signals
        from search import receivers

        # The index follows every write to a post's text, in the write's own transaction. Hiding, holding,
        # deleting and restoring change no text: search reads visibility from the posts themselves.
        signals.post_created.connect(receivers.index_new_post, dispatch_uid="search.index_new_post")
        signals.post_edited.connect(receivers.index_edited_post, dispatch_uid="search.index_edited_post")
        signals.topic_moved.connect(receivers.index_moved_topic, dispatch_uid="search.index_moved_topic")
        signals.posts_loaded.connect(receivers.index_loaded_posts, dispatch_uid="search.index_loaded_posts")
        post_migrate.connect(receivers.backfill_after_migrate, sender=self, dispatch_uid="search.backfill")
