"""The Celery app. Redis (REDIS_URL) is broker and result backend; without it tasks run eagerly.

Imported by Celery's processes (`celery -A forum`), by the tasks modules (each registers on `app`), and by a
web process only once it queues its first task (forum.lazy.enqueue)."""
import os
from logging.config import dictConfig

from celery import Celery, signals
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings.base")


def beat_schedule(entries: dict) -> dict:
    """settings.CELERY_BEAT_SCHEDULE for beat: a `schedule` given as crontab fields ({"hour": 3, "minute":
    15}) becomes a crontab; seconds stay seconds. (The settings spell it as data so that reading them, as
    every web worker does, does not import Celery.)"""
    return {name: {**entry, "schedule": crontab(**entry["schedule"]) if isinstance(entry["schedule"], dict)
                   else entry["schedule"]}
            for name, entry in entries.items()}


app = Celery("forum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = beat_schedule(settings.CELERY_BEAT_SCHEDULE)
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_project_logging(**kwargs) -> None:
    """Workers log through the project's LOGGING (formats, levels, the `extra` fields), not Celery's own
    setup: with a receiver on this signal Celery leaves logging alone."""
    dictConfig(settings.LOGGING)
