"""The project package. Unlike Celery's Django template, it does not import the Celery app: a web worker
that only serves pages never loads Celery (see forum/lazy.py). `celery -A forum` finds `forum.celery` by
itself, and every tasks module imports the app it registers its tasks on."""
