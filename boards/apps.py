from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = _("Boards")

    def ready(self):
        from boards import notice_kinds  # Django's app registry must be ready before it loads

        notice_kinds.register_all()
