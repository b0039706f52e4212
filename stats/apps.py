from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Community health for admins and board moderators: the top layer, since it reads members, boards,
    moderation and standing."""

    name = "stats"
    verbose_name = _("Community health")

    def ready(self):
        # Django's app registry must be ready before these load
        from boards.signals import demo_seeded
        from stats import demo

        demo_seeded.connect(demo.add_history, dispatch_uid="stats.demo_history")
