import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def _check_redis() -> bool | None:
    if not settings.REDIS_URL:
        return None
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        logger.warning("healthz: redis check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {"database": _check_database()}
    redis_ok = _check_redis()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable",
            **{name: ("ok" if ok else "down") for name, ok in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)


def error_preview(request, code):
    template = {403: "403.html", 404: "404.html", 500: "500.html"}.get(code, "404.html")
    return render(request, template, status=code if code in (403, 404, 500) else 404)


def csrf_failure(request, reason=""):
    """A failed CSRF check, in the site's own layout, with a way forward."""
    return render(request, "403_csrf.html", status=403)
