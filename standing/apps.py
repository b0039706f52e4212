from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandingConfig(AppConfig):
    """Ranks recomputed from activity, and members grown into board moderators: the top layer, since it
    measures the boards' content and logs through moderation."""

    name = "standing"
    verbose_name = _("Standing")

    def ready(self):
        from standing import notice_kinds  # Django's app registry must be ready before it loads

        notice_kinds.register_all()
