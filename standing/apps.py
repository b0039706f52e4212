from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandingConfig(AppConfig):
    """Ranks recomputed from activity, and members grown into board moderators: the top layer, since it
    measures the boards' content and logs through moderation."""

    name = "standing"
    verbose_name = _("Standing")

    def ready(self):
        # Django's app registry must be ready before these load
        from boards.signals import demo_seeded
        from standing import demo, notice_kinds

        notice_kinds.register_all()
        demo_seeded.connect(demo.add_demo_proposal, dispatch_uid="standing.demo_proposal")
