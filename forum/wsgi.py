"""The WSGI application gunicorn serves (forum.wsgi:application), and how its worker keeps memory flat.

Every request leaves reference cycles behind that only the garbage collector frees: Django's own (the request
and its lazy `user`, a template context and its dicts, query compilers' closures), holding what the page was
made of. Left to the collector's thresholds, they were promoted among the ~100,000 objects of start-up and
freed only by a rare full collection, so that a worker carried megabytes of finished requests (issue 13: a
member's topic page kept ~4 MiB more than it needed). Two measures:

- what start-up made (Django, the apps, the URLconf with the views pages need; rarely used ones stay
  unloaded, see forum/lazy.py) is frozen out of the collector's sight: it is not scanned again, and it no
  longer makes a full collection wait for tens of thousands of new objects;
- once a response is finished (request_finished), the young generations are collected: the request's
  cycles are still there, not yet promoted, and it costs ~0.03 ms (index) to ~0.15 ms (a topic page)."""
import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings.base")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - import the URLconf now, before the freeze
gc.freeze()


def collect_the_finished_request(**kwargs) -> None:
    gc.collect(1)


request_finished.connect(collect_the_finished_request, dispatch_uid="forum.wsgi.collect_the_finished_request")
