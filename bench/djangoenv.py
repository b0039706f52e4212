"""The start every bench script shares: production-like settings for timing, then the guard that refuses
any database but the bench's own marked PostgreSQL (before Django is even set up), then django.setup().

    from djangoenv import setup_bench_django
    setup_bench_django()
"""
import os
import sys
from pathlib import Path

from guard import BenchRefused, check_bench_database

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "forum.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-long-enough-for-the-production-settings-check-0123456789",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "testserver,127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "STAFF_MFA_REQUIRED": "0",  # the bench's accounts have no second factor; timing only
}


def setup_bench_django(*, env: dict | None = None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for key, value in {**BENCH_ENV, **(env or {})}.items():
        os.environ.setdefault(key, value)
    try:  # never the `make run` forum in var/, never a database the bench did not mark as its own
        check_bench_database(os.environ.get("DATABASE_URL"))
    except BenchRefused as refusal:
        print(f"[bench] REFUSED: {refusal}", file=sys.stderr)
        sys.exit(2)
    import django  # noqa: PLC0415 - only once the guard has passed

    django.setup()
