from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Replies, quotes, mentions, watched topics and boards, likes: who hears about a post, sent as notices.
    Above boards (it reads topics, posts and who may see them), below moderation."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Django's app registry must be ready before these load
        from boards import signals
        from notifications import demo, notice_kinds, receivers

        notice_kinds.register_all()
        signals.demo_seeded.connect(demo.add_demo_notifications, dispatch_uid="notifications.demo")
        signals.post_published.connect(receivers.post_published, dispatch_uid="notifications.post_published")
        signals.post_liked.connect(receivers.post_liked, dispatch_uid="notifications.post_liked")
        signals.board_topics_moved.connect(receivers.board_topics_moved, dispatch_uid="notifications.board_moved")
