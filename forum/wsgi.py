import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import reverse
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings.base")
application = get_wsgi_application()

# What every request uses and the first one would load: the URL patterns, the translations.
reverse("boards:board_index")
for code, _name in settings.LANGUAGES:
    with translation.override(code):
        translation.gettext("Boards")
# Everything loaded so far (Django, the apps, their models, URLs and translations: some 120,000 objects) lives
# as long as the worker: the garbage collector need not walk it again. Without this, a full collection every
# few hundred requests walked it all and held a request up to 50 ms (make bench's p99).
gc.freeze()
