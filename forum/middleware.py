import time

from django.conf import settings

from forum import db_router, outage


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (settings.CSP, settings.PERMISSIONS_POLICY) on every
    response that does not set its own. Django's debug pages (DEBUG, errors) are inline-styled and
    scripted, so they go without the policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", settings.CSP)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseOutageMiddleware:
    """A view that cannot reach the database (or the replica) answers 503 with Retry-After, not 500
    (forum/outage.py; failures outside views reach the same page through handler500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if outage.is_connection_failure(exception):
            return outage.unavailable_response(request, exception)
        return None


class ReplicaReadsMiddleware:
    """With a replica (settings.DATABASE_REPLICA_URL), lets GET and HEAD requests read from it (forum/db_router.py)
    unless the client wrote within DATABASE_REPLICA_PIN_SECONDS: any other method sets a short-lived signed
    cookie that pins the client's next requests to the primary, so members see their own writes at once. A
    GET whose read on the replica failed is served once more, from the primary."""

    COOKIE = "hearth_primary"
    SALT = "forum.middleware.ReplicaReadsMiddleware"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not db_router.replica_configured():
            return self.get_response(request)
        safe = request.method in ("GET", "HEAD")
        pinned = safe and self._pinned(request)
        tokens = db_router.allow_replica_reads(safe and not pinned)
        try:
            response = self.get_response(request)
            if getattr(request, "hearth_replica_failed", False):
                request.hearth_replica_failed = False
                retry = db_router.allow_replica_reads(False)
                try:
                    response = self.get_response(request)
                finally:
                    db_router.reset_replica_reads(retry)
        finally:
            db_router.reset_replica_reads(tokens)
        if not safe:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_signed_cookie(self.COOKIE, str(int(time.time())), salt=self.SALT, max_age=seconds,
                                       secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response

    def _pinned(self, request) -> bool:
        value = request.get_signed_cookie(self.COOKIE, default=None, salt=self.SALT,
                                          max_age=settings.DATABASE_REPLICA_PIN_SECONDS)
        return value is not None
