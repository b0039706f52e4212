"""The WSGI application gunicorn serves (forum.wsgi:application), and how its worker keeps memory flat.

Every request leaves reference cycles behind that only the garbage collector frees: Django's own (the request
with its lazy `user` and its messages, a template context and its dicts, query compilers' closures), holding
what the page was made of. Left to the collector's thresholds, they were promoted among the ~100,000 objects of
start-up and freed only by a rare full collection, so that a worker carried megabytes of finished requests
(issue 13: a member's topic page kept ~4 MiB more). Two measures:

- what start-up made (Django, the apps, the URLconf with the views pages need; rarely used ones stay
  unloaded, see forum/lazy.py) is frozen out of the collector's sight: it is not scanned again, and it no
  longer makes a full collection wait for tens of thousands of new objects;
- once the server has closed a response, the young generations are collected: the request's cycles are
  unreachable by then and still young (collecting any earlier, in request_finished for one, would find the
  request still referenced and promote it), and it costs ~0.03 ms (the index) to ~0.15 ms (a topic page).
  A file the server streams itself (wsgi.file_wrapper: static files) is passed through untouched."""
import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings.base")
django_application = get_wsgi_application()

# What every request uses and the first one would load: the URL patterns, the translations.
get_resolver().url_patterns  # noqa: B018 - import the URLconf now, before the freeze
for code, _name in settings.LANGUAGES:
    with translation.override(code):
        translation.gettext("Boards")
# Everything loaded so far (Django, the apps, their models, URLs and translations: some 120,000 objects) lives
# as long as the worker: the garbage collector need not walk it again. Without this, a full collection every
# few hundred requests walked it all and held a request up to 50 ms (make bench's p99).
gc.freeze()


class CollectedResponse:
    """A response as the server iterates and closes it; closing it collects what the request left."""

    def __init__(self, response):
        self._response = response

    def __iter__(self):
        return iter(self._response)

    def close(self) -> None:
        try:
            self._response.close()
        finally:
            self._response = None
            gc.collect(1)


def application(environ, start_response):
    response = django_application(environ, start_response)
    file_wrapper = environ.get("wsgi.file_wrapper")
    if file_wrapper is not None and isinstance(response, file_wrapper):
        return response  # the server sends the file itself (sendfile) and must recognise its wrapper
    return CollectedResponse(response)
