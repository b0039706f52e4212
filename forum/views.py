import logging
import sys

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from forum import db_router, outage

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
    """200 when the database (and Redis, when configured) answer; 503 otherwise. With a replica, also says
    whether it is "ok", "down" or "lagging" (status "degraded", still 200: reads then go to the primary)."""
    checks = {"database": _check_database()}
    redis_ok = _check_redis()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable",
            **{name: ("ok" if ok else "down") for name, ok in checks.items()}}
    if db_router.replica_configured():
        body["replica"] = db_router.ReplicaHealth.state()
        if healthy and body["replica"] != "ok":
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """handler500: a database that cannot be reached is a 503 (forum/outage.py), anything else Django's 500."""
    exc = sys.exc_info()[1]
    if outage.is_connection_failure(exc):
        return outage.unavailable_response(request, exc)
    return django_server_error(request)


def error_preview(request, code):
    template = {403: "403.html", 404: "404.html", 500: "500.html", 503: "503.html"}.get(code, "404.html")
    return render(request, template, status=code if code in (403, 404, 500, 503) else 404)


def csrf_failure(request, reason=""):
    """A failed CSRF check, in the site's own layout, with a way forward."""
    return render(request, "403_csrf.html", status=403)


ROBOTS = """User-agent: *
Disallow: /accounts/
Disallow: /settings/
Disallow: /notifications/
Disallow: /mod/
Disallow: /reports/
Disallow: /report/
Disallow: /promotions/
Disallow: /freshness/
Disallow: /seed/
Disallow: /stats/
Disallow: /standing/
Disallow: /search/
Disallow: /admin/
Allow: /

Sitemap: {site}/sitemap.xml
"""


def robots_txt(request):
    """Crawlers stay off account, moderation, admin and search pages."""
    return HttpResponse(ROBOTS.format(site=settings.HEARTH["SITE_URL"]), content_type="text/plain; charset=utf-8")
