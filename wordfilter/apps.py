from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordFilterConfig(AppConfig):
    name = "wordfilter"
    verbose_name = _("Word filter")

    def ready(self):
        from wordfilter import receivers  # noqa: F401 - bumps the terms' version when a term changes
