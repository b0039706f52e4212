"""While the database (or the replica) cannot be reached, pages answer 503 with a friendly page and
Retry-After, not 500.

Two ways in: forum.middleware.DatabaseOutageMiddleware catches a view's connection failure, and the site's
handler500 (forum.views.server_error) catches one raised anywhere else (a middleware loading the session or
the member, saving the session). Django closes a connection that failed once the request ends
(close_old_connections, with CONN_HEALTH_CHECKS), so the next request connects afresh.
"""
import logging

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from forum import db_router

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLSTATE classes of a server that cannot serve now: 08 connection exception, 53 insufficient resources
# (too many connections), 57P01-57P03 shutting down, crashed, starting up
OUTAGE_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03")


def is_connection_failure(exc: BaseException | None) -> bool:
    """A database that cannot be reached now, as opposed to a query that is wrong (those stay a 500)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if type(cause).__module__.startswith("psycopg"):
        sqlstate = getattr(cause, "sqlstate", None)
        return sqlstate is None or sqlstate.startswith(OUTAGE_SQLSTATES)  # None: no server answered at all
    return "locked" in str(exc)  # SQLite: another process holds the database


def replica_failed(request) -> bool:
    """Did this request read from the replica, and did the replica's connection fail?"""
    if not db_router.replica_configured() or not db_router.replica_used():
        return False
    return connections[db_router.REPLICA].errors_occurred


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    """The 503 page, rendered without touching the database (no request context: no member, no menus)."""
    if replica_failed(request):
        request.hearth_replica_failed = True  # forum.middleware.ReplicaReadsMiddleware reads it on the primary
        db_router.ReplicaHealth.failed()
    logger.warning("database unavailable: answering 503 (%s: %s)", type(exc).__name__, str(exc).strip()[:200],
                   extra={"path": request.path})
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
