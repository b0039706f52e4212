"""The Celery app. Redis (REDIS_URL) is broker and result backend; without it tasks run eagerly."""
import os
from logging.config import dictConfig

from celery import Celery, signals
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings.base")

app = Celery("forum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_project_logging(**kwargs) -> None:
    """Workers log through the project's LOGGING (formats, levels, the `extra` fields), not Celery's own
    setup: with a receiver on this signal Celery leaves logging alone."""
    dictConfig(settings.LOGGING)
