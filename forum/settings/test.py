"""Test settings: the real PostgreSQL and Redis from DATABASE_URL / REDIS_URL (scripts/services.sh)."""
import os

os.environ.setdefault("DEBUG", "0")
# long enough for the production check in base.py, which the test settings go through (DEBUG is off)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-only-for-the-hearth-suite-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from .base import *  # noqa: E402,F403
from .base import DATABASES, HEARTH, env  # noqa: E402

if not env("DATABASE_URL", default="").startswith(("postgres", "postgresql")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "The test suite runs against PostgreSQL: run it with 'make test', which starts a private "
        "PostgreSQL and Redis, or export DATABASE_URL and REDIS_URL yourself."
    )

DATABASES["default"]["CONN_MAX_AGE"] = 0
# Search's SQLite backend (FTS5) is tested on a real SQLite database beside the suite's PostgreSQL: only the
# tests that ask for this alias (tests/search) create and migrate it, in memory.
DATABASES["search_sqlite"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The Celery integration test runs a real worker in another process and reads its mail from files.
EMAIL_BACKEND = os.environ.get("HEARTH_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("HEARTH_TEST_EMAIL_DIR") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HEARTH = {**HEARTH, "DUPLICATE_WINDOW_SECONDS": 10}
# The suite logs staff in with force_login; tests/test_mfa.py turns the requirement on where it is the subject.
STAFF_MFA_REQUIRED = False

# Each xdist worker gets a Redis database of its own (gw0 → 1, gw1 → 2, …), so that cache.clear() in one
# worker's tests cannot empty another's rate-limit counters or cached fragments.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{int(_worker[2:]) % 15 + 1}"))
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
# Tasks run in-process in tests; the Celery integration test starts a real worker on its own queue.
CELERY_TASK_ALWAYS_EAGER = env.bool("HEARTH_CELERY_EAGER", default=True)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("HEARTH_CELERY_QUEUE", "celery")
